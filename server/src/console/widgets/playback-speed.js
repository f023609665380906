// Playback speed buttons. The chosen speed is kept (per browser) so that stepping through clips
// with J/K, or coming back tomorrow, plays at the speed the manager listens at.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export const SPEEDS = [0.75, 1, 1.25, 1.5, 2];
const KEY = 'earshot.playbackRate';

function savedSpeed() {
  const saved = Number(localStorage.getItem(KEY));
  return SPEEDS.includes(saved) ? saved : 1;
}

/**
 * Sets `audio` to the saved speed and returns the buttons that change it. The default rate is
 * set too: loading a source resets playbackRate to it.
 */
export function speedControl(audio) {
  const apply = (rate) => {
    audio.defaultPlaybackRate = rate;
    audio.playbackRate = rate;
    for (const button of group.querySelectorAll('button'))
      button.setAttribute('aria-pressed', String(Number(button.value) === rate));
  };
  const group = h(
    'div',
    { class: 'speed', role: 'group', 'aria-labelledby': 'speed-label', 'data-testid': 'speed' },
    h('span', { id: 'speed-label', class: 'muted' }, t('player.speed')),
    SPEEDS.map((rate) =>
      h(
        'button',
        {
          type: 'button',
          value: String(rate),
          onclick: () => {
            localStorage.setItem(KEY, String(rate));
            apply(rate);
          },
        },
        `${rate}×`,
      ),
    ),
  );
  apply(savedSpeed());
  return group;
}
