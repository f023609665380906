// The player's keys: Space plays or pauses, ←/→ seek 5 s, J/K open the previous/next clip of the
// list. Listened to before anything else on the page (capture), so that the native audio
// controls, when focused, do not act on the same key a second time. Keys typed into a form
// field are left alone.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { typingInField } from './answer-keys.js';

export const SEEK_SECONDS = 5;

/** Listens on the document; returns a function that stops listening. */
export function listenToPlayerKeys(audio, { previous, next }) {
  const actions = {
    ' ': () => (audio.paused ? void audio.play().catch(() => {}) : audio.pause()),
    arrowleft: () => (audio.currentTime = Math.max(0, audio.currentTime - SEEK_SECONDS)),
    arrowright: () => (audio.currentTime = Math.min(audio.duration || Infinity, audio.currentTime + SEEK_SECONDS)),
    j: previous,
    k: next,
  };
  const onKey = (event) => {
    if (typingInField(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const action = actions[event.key.toLowerCase()];
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    action();
  };
  document.addEventListener('keydown', onKey, { capture: true });
  return () => document.removeEventListener('keydown', onKey, { capture: true });
}

/** The keys above, shown under the player. */
export function playerKeyLegend() {
  return h(
    'ul',
    { class: 'key-legend', 'data-testid': 'player-keys' },
    [
      [t('review.space'), t('review.playPause')],
      ['← / →', t('player.key.seek', { seconds: SEEK_SECONDS })],
      ['J / K', t('player.key.step')],
    ].map(([key, meaning]) => h('li', {}, h('kbd', {}, key), ' ', meaning)),
  );
}
