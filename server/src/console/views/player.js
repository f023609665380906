// One clip: its audio, a waveform with the press and the answer window, playback speed, keys
// (Space, ←/→, J/K), a download, the previous/next clip of the list it was opened from, its
// answer (set or corrected with one key), the transcript following the audio word by word (click
// a word to hear it), and flags. Opened from a search hit (?t=ms) it starts at the hit.
import { getClip, listStores } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, formatDuration, questionText, t } from '../i18n.js';
import { clipNotes } from '../widgets/clip-notes.js';
import { clipNeighbours } from '../widgets/clip-sequence.js';
import { speedControl } from '../widgets/playback-speed.js';
import { listenToPlayerKeys, playerKeyLegend } from '../widgets/player-keys.js';
import { waveformView } from '../widgets/waveform.js';
import { renderAnswerCard } from './answer-card.js';
import { renderScorecards } from './scorecards.js';

export async function renderPlayer(main, id, query, user) {
  main.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  const [clip, stores] = await Promise.all([getClip(id), listStores()]);
  const store = stores.find((s) => s.id === clip.storeId);
  const startAtMs = Number(query.get('t') ?? 0);

  const audio = h('audio', { controls: true, preload: 'auto', src: clip.audioUrl, 'data-testid': 'audio' });
  audio.addEventListener(
    'loadedmetadata',
    () => {
      if (startAtMs > 0) audio.currentTime = startAtMs / 1000;
    },
    { once: true },
  );
  const seek = (seconds) => {
    audio.currentTime = seconds;
    void audio.play().catch(() => {});
  };

  // Replacing the address keeps "back" pointing at the list, however many clips were stepped through.
  const neighbours = clipNeighbours(clip.id);
  // A neighbour on a page not loaded yet is a function that loads it and gives its id.
  const open = async (neighbour) => {
    const target = typeof neighbour === 'function' ? await neighbour() : neighbour;
    if (target) location.replace(`#/clips/${encodeURIComponent(target)}`);
  };
  const stopPlayerKeys = listenToPlayerKeys(audio, {
    previous: () => void open(neighbours.previous),
    next: () => void open(neighbours.next),
  });

  // Before the waveform, which starts its player at the audio's rate.
  const speed = speedControl(audio);
  const waveformError = h('p', { class: 'error', hidden: true });
  const waveform = waveformView(
    audio,
    clip.answer ? { window: [clip.answer.window.startMs, clip.answer.window.endMs], pressMs: clip.answer.pressMs } : {},
    (error) => {
      waveformError.textContent = t('player.waveformFailed', { message: error?.message ?? String(error) });
      waveformError.hidden = false;
    },
  );
  const words = transcriptView(clip, seek);
  const scorecards = h('div', {}, h('p', { class: 'muted' }, t('common.loading')));
  const answerCard = h('section', { class: 'card', 'data-testid': 'answer' });
  const stopAnswerKeys = renderAnswerCard(answerCard, clip, ['admin', 'manager'].includes(user?.role));

  main.replaceChildren(
    h(
      'button',
      {
        type: 'button',
        class: 'link back',
        onclick: () => (history.length > 1 ? history.back() : (location.hash = '#/clips')),
      },
      t('player.back'),
    ),
    h(
      'h1',
      {},
      questionText(clip.question),
      h('span', { class: 'muted subtitle' }, ` · ${store?.name ?? clip.storeId ?? '—'} · ${clip.deviceId}`),
    ),
    h(
      'section',
      { class: 'card player' },
      h(
        'div',
        { class: 'meta muted' },
        `${formatDateTime(clip.pressedAt, store?.timeZone)} · ${formatDuration(clip.durationMs)}`,
      ),
      waveform.element,
      waveformError,
      audio,
      h(
        'div',
        { class: 'player-controls' },
        stepButtons(neighbours, open),
        speed,
        h(
          'a',
          {
            class: 'button',
            href: clip.audioUrl,
            download: `earshot-${clip.id}.${clip.container}`,
            'data-action': 'download',
          },
          t('player.download'),
        ),
      ),
      playerKeyLegend(),
    ),
    answerCard,
    clipNotes(clip, ['admin', 'manager'].includes(user?.role), store?.timeZone),
    h('section', { class: 'card' }, h('h2', {}, t('player.transcript')), words.element),
    h('section', { class: 'card' }, h('h2', {}, t('player.details')), details(clip)),
    h('section', { class: 'card', 'data-testid': 'scorecards' }, h('h2', {}, t('player.scorecards')), scorecards),
  );
  void renderScorecards(scorecards, clip, user).catch((error) =>
    scorecards.replaceChildren(h('p', { class: 'error' }, t('common.error', { message: error.message }))),
  );

  // Follows the audio every frame while playing: timeupdate alone fires only a few times a second.
  let frame = 0;
  const follow = () => {
    words.highlight(audio.currentTime * 1000);
    frame = audio.paused ? 0 : requestAnimationFrame(follow);
  };
  audio.addEventListener('play', () => (frame = requestAnimationFrame(follow)));
  audio.addEventListener('seeked', follow);
  audio.addEventListener('timeupdate', () => frame === 0 && follow());

  return () => {
    stopAnswerKeys();
    stopPlayerKeys();
    cancelAnimationFrame(frame);
    waveform.destroy();
    audio.pause();
    audio.removeAttribute('src');
  };
}

/** Previous and next clip of the list; off when the player was not opened from one. */
function stepButtons(neighbours, open) {
  const button = (name, target) =>
    h(
      'button',
      {
        type: 'button',
        'data-action': name,
        disabled: !target,
        title: target ? undefined : t('player.noNeighbour'),
        onclick: () => void open(target),
      },
      t(`player.${name}`),
    );
  return h('div', { class: 'step' }, button('previous', neighbours.previous), button('next', neighbours.next));
}

function transcriptView(clip, seek) {
  const transcript = clip.transcript;
  if (!transcript) return { element: h('p', { class: 'muted' }, t('player.noTranscript')), highlight: () => {} };
  if (transcript.words.length === 0) {
    return {
      element: h('div', {}, h('p', {}, transcript.text), h('p', { class: 'muted small' }, t('player.noWordTimes'))),
      highlight: () => {},
    };
  }
  // Spans, not buttons, with a space between them: the transcript reads, selects and copies as
  // text; each word still plays from its place on a click or on Enter.
  const spans = transcript.words.map((word) =>
    h(
      'span',
      {
        role: 'button',
        tabindex: '0',
        class: 'word',
        'data-start-ms': word.startMs,
        title: formatDuration(word.startMs),
        onclick: () => seek(word.startMs / 1000),
        onkeydown: (event) => {
          if (event.key !== 'Enter') return;
          event.preventDefault();
          seek(word.startMs / 1000);
        },
      },
      word.word,
    ),
  );
  const text = spans.flatMap((span, i) => (i === 0 ? [span] : [' ', span]));
  let current;
  return {
    element: h('p', { class: 'transcript', 'data-testid': 'transcript', lang: transcript.language }, text),
    highlight(ms) {
      const index = transcript.words.findLastIndex((w) => w.startMs <= ms && ms < Math.max(w.endMs, w.startMs + 1));
      const next = index >= 0 ? spans[index] : undefined;
      if (next === current) return;
      current?.classList.remove('current');
      next?.classList.add('current');
      current = next;
    },
  };
}

function details(clip) {
  const flags = [];
  if (clip.truncated) flags.push(h('li', {}, t('player.truncated')));
  if (clip.gaps.length > 0) flags.push(h('li', {}, t('player.gaps', { count: clip.gaps.length })));
  return flags.length
    ? h('ul', { class: 'flags' }, flags)
    : h('p', { class: 'muted', 'data-testid': 'no-flags' }, t('player.noFlags'));
}
