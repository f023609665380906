// A clip's answer in the player: what it is, who gave it (the machine, how sure, or a person),
// why, the words it came from and whether the question was heard. The same keys as the review
// queue set or correct it; a person's answer can be taken back to the machine's.
import { revertAnswer, setAnswer } from '../api.js';
import { h } from '../dom.js';
import { formatDuration, t } from '../i18n.js';
import { answerForKey, answerLabel, keyLegend, typingInField } from '../widgets/answer-keys.js';
import { scoreBadge } from '../widgets/score-badge.js';

/** Renders into `container`; returns a function that stops listening to the keyboard. */
export function renderAnswerCard(container, clip, canAnswer) {
  let answer = clip.answer;
  const draw = (message) => {
    container.replaceChildren(
      ...[h('h2', {}, t('answer.title')), ...answerBody(answer, canAnswer, revert), message].filter(Boolean),
    );
  };
  const save = async (body) => {
    try {
      const state = await setAnswer(clip.id, body);
      answer = {
        ...answer,
        value: state.value,
        source: state.source,
        needsReview: state.needsReview,
        human: state.human,
      };
      draw();
    } catch (error) {
      draw(h('p', { class: 'error', role: 'alert' }, error.message));
    }
  };
  async function revert() {
    try {
      const state = await revertAnswer(clip.id);
      answer = { ...answer, value: state.value, source: state.source, needsReview: state.needsReview, human: null };
      draw();
    } catch (error) {
      draw(h('p', { class: 'error', role: 'alert' }, error.message));
    }
  }
  const onKey = (event) => {
    if (!answer || !canAnswer || typingInField(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const body = answerForKey(answer.form, event.key);
    if (!body) return;
    event.preventDefault();
    void save(body);
  };
  draw();
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}

function answerBody(answer, canAnswer, revert) {
  if (!answer) return [h('p', { class: 'muted', 'data-testid': 'clip-score' }, t('answer.none'))];
  const shown = answer.source === 'human' ? answer.human : { value: answer.value };
  const value =
    answer.form === 'nps' && shown?.value !== null && shown?.value !== undefined && !shown.declined
      ? scoreBadge({ value: shown.value })
      : h('span', { class: 'answer-label' }, answer.source ? answerLabel(answer.form, shown) : '—');
  const source =
    answer.source === 'human'
      ? t('answer.byHuman')
      : answer.source === 'machine'
        ? t('answer.byMachine', { confidence: Math.round(answer.confidence * 100) })
        : answer.needsReview
          ? t('answer.needsReview')
          : t('answer.none');
  const heard = answer.questionHeard?.heard
    ? t('answer.questionHeard', { at: formatDuration(answer.questionHeard.span?.startMs ?? 0) })
    : t('answer.questionNotHeard');
  return [
    h(
      'p',
      { class: 'answer-value', 'data-testid': 'clip-score', 'data-source': answer.source ?? 'none' },
      value,
      ' ',
      h('span', { class: 'muted' }, source),
    ),
    answer.source === 'human' && answer.machine
      ? h(
          'p',
          { class: 'muted small', 'data-testid': 'machine-said' },
          machineHadValue(answer.form, answer.machine)
            ? t('answer.machineSaid', { value: answerLabel(answer.form, answer.machine) })
            : t('answer.machineWithheld'),
        )
      : null,
    h(
      'dl',
      { class: 'details' },
      h('dt', {}, t('answer.reason')),
      // What the reading came to, in the console's language; the server's detail is English,
      // marked so for readers and translators.
      h(
        'dd',
        { 'data-testid': 'answer-reason', 'data-outcome': answer.outcome },
        t(`answer.outcome.${answer.outcome}`),
        answer.reason ? h('div', { class: 'muted small', lang: 'en' }, answer.reason) : null,
      ),
      answer.evidence?.length
        ? [h('dt', {}, t('player.evidence')), h('dd', {}, `“${answer.evidence.map((w) => w.word).join(' ')}”`)]
        : null,
      h('dt', {}, t('player.details')),
      h('dd', { 'data-testid': 'question-heard' }, heard),
    ),
    canAnswer ? h('p', { class: 'muted small' }, t('answer.correct')) : null,
    canAnswer ? keyLegend(answer.form) : null,
    canAnswer && answer.source === 'human'
      ? h(
          'button',
          { type: 'button', class: 'link', 'data-action': 'revert-answer', onclick: revert },
          t('answer.revert'),
        )
      : null,
  ];
}

/** Whether the machine's reading gave a value (it withholds one when unsure or contradicted). */
function machineHadValue(form, machine) {
  return form === 'text' || machine.declined || (machine.value !== null && machine.value !== undefined);
}
