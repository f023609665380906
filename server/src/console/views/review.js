// "To review": the clips whose machine answer is missing, unsure or contradictory, one at a time.
// Playback starts at the answer window, marked on the waveform with the press; one key answers
// and the next clip comes at once, so a manager clears a queue without touching the mouse.
import { reviewQueue, setAnswer } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, formatDuration, questionText, t } from '../i18n.js';
import { answerForKey, keyLegend, typingInField } from '../widgets/answer-keys.js';
import { waveformView } from '../widgets/waveform.js';

export async function renderReview(main, query) {
  main.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  const filter = { storeId: query.get('storeId') ?? undefined, questionId: query.get('questionId') ?? undefined };
  let page = await reviewQueue({ ...filter, limit: 50 });
  let items = page.items;
  let left = page.total;
  let done = 0;
  let current;
  let audio;
  let waveform;
  let busy = false;

  const counter = h('p', { class: 'muted', 'data-testid': 'review-left' });
  const stage = h('div', { class: 'review-stage' });
  main.replaceChildren(h('h1', {}, t('review.title')), counter, stage);

  const show = async () => {
    waveform?.destroy();
    audio?.pause();
    counter.textContent = t('review.left', { left, done });
    if (items.length === 0 && page.nextCursor) {
      page = await reviewQueue({ ...filter, limit: 50, cursor: page.nextCursor });
      items = page.items;
    }
    current = items.shift();
    if (!current) {
      stage.replaceChildren(h('p', { class: 'review-empty', 'data-testid': 'review-empty' }, t('review.empty')));
      return;
    }
    const item = current;
    audio = h('audio', {
      controls: true,
      preload: 'auto',
      src: `/api/v1/clips/${encodeURIComponent(item.clipId)}/audio`,
    });
    const startAt = Math.max(0, item.window.startMs / 1000);
    audio.addEventListener('loadedmetadata', () => (audio.currentTime = startAt), { once: true });
    waveform = waveformView(audio, {
      window: [item.window.startMs, item.window.endMs],
      pressMs: item.pressMs,
    });
    stage.replaceChildren(reviewCard(item, waveform.element, audio));
    audio.focus();
    void audio.play().catch(() => {});
  };

  const answer = async (body) => {
    if (!current || busy) return;
    busy = true;
    try {
      await setAnswer(current.clipId, body);
      left -= 1;
      done += 1;
      await show();
    } catch (error) {
      stage.prepend(h('p', { class: 'error', role: 'alert' }, error.message));
    } finally {
      busy = false;
    }
  };

  const onKey = (event) => {
    if (!current || typingInField(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const body = answerForKey(current.form, event.key);
    if (body) {
      event.preventDefault();
      void answer(body);
    } else if (event.key === 'ArrowRight' || event.key === 'Enter') {
      event.preventDefault();
      void show();
    } else if (event.key.toLowerCase() === 'r') {
      audio.currentTime = Math.max(0, current.window.startMs / 1000);
      void audio.play().catch(() => {});
    } else if (event.key === ' ') {
      event.preventDefault();
      if (audio.paused) void audio.play().catch(() => {});
      else audio.pause();
    }
  };
  document.addEventListener('keydown', onKey);
  await show();
  return () => {
    document.removeEventListener('keydown', onKey);
    waveform?.destroy();
    audio?.pause();
  };
}

function reviewCard(item, waveformElement, audio) {
  // What the reading came to, in the console's language; then the server's detail, in English
  // and marked so.
  const outcome = t(`answer.outcome.${item.machine.outcome}`);
  const machine = [
    item.machine.value === null
      ? t('review.machineNone', { reason: outcome })
      : t('review.machineUnsure', {
          value: item.machine.value,
          confidence: Math.round(item.machine.confidence * 100),
          reason: outcome,
        }),
    item.machine.reason ? h('span', { class: 'detail', lang: 'en' }, ` (${item.machine.reason})`) : null,
  ];
  return h(
    'section',
    {
      class: 'card player review',
      'data-testid': 'review-item',
      'data-clip-id': item.clipId,
      'data-form': item.form,
      'data-window-start-ms': item.window.startMs,
    },
    h('h2', {}, questionText(item.question)),
    h(
      'div',
      { class: 'meta muted' },
      `${formatDateTime(item.pressedAt)} · ${item.deviceId} · ${formatDuration(item.durationMs)}`,
      item.questionHeard
        ? null
        : h('span', { class: 'badge warn', 'data-testid': 'question-not-heard' }, t('answer.questionNotHeard')),
    ),
    waveformElement,
    audio,
    h(
      'p',
      { class: 'answer-words', 'data-testid': 'answer-words' },
      item.machine.text ? `“${item.machine.text}”` : t('review.noWords'),
    ),
    h('p', { class: 'muted small', 'data-testid': 'machine-outcome' }, machine),
    keyLegend(item.form, [
      ['→ / Enter', t('review.skip')],
      ['R', t('review.replay')],
      [t('review.space'), t('review.playPause')],
    ]),
    item.transcript ? h('details', {}, h('summary', {}, t('player.transcript')), h('p', {}, item.transcript)) : null,
  );
}
