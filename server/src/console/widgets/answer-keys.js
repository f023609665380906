// One key sets an answer, the same in the review queue and the player: digits for scores (T for
// ten), Y/N for yes or no, X when the customer gave no answer, C to confirm an open answer's
// words. Keys typed into a form field are left alone.
import { h } from '../dom.js';
import { t } from '../i18n.js';

const RANGES = { nps: [0, 10], csat: [1, 5], yes_no: [0, 1] };

/** The answer a key stands for on a clip of `form`: {value}, {declined: true}, or undefined. */
export function answerForKey(form, key) {
  const k = key.toLowerCase();
  if (k === 'x') return { declined: true };
  if (form === 'text') return k === 'c' ? {} : undefined;
  if (form === 'yes_no') return k === 'y' ? { value: 1 } : k === 'n' ? { value: 0 } : undefined;
  const [min, max] = RANGES[form] ?? [0, -1];
  const value = k === 't' ? 10 : /^[0-9]$/.test(k) ? Number(k) : undefined;
  return value !== undefined && value >= min && value <= max ? { value } : undefined;
}

/** True when the key event belongs to a field the user is typing in. */
export function typingInField(event) {
  const target = event.target;
  return Boolean(target?.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target?.tagName ?? ''));
}

/** How an answer reads for people: "9", "yes", "no answer given", "words confirmed". */
export function answerLabel(form, answer) {
  if (!answer) return '—';
  if (answer.declined) return t('answer.declined');
  if (answer.value === null || answer.value === undefined) return form === 'text' ? t('answer.confirmed') : '—';
  if (form === 'yes_no') return answer.value === 1 ? t('common.yes') : t('common.no');
  return String(answer.value);
}

/** The keys for `form`, shown beside the player. */
export function keyLegend(form, extra = []) {
  const keys =
    {
      nps: [
        ['0–9', t('answer.key.score')],
        ['T', '10'],
      ],
      csat: [['1–5', t('answer.key.score')]],
      yes_no: [
        ['Y', t('common.yes')],
        ['N', t('common.no')],
      ],
      text: [['C', t('answer.key.confirm')]],
    }[form] ?? [];
  return h(
    'ul',
    { class: 'key-legend', 'data-testid': 'key-legend' },
    [...keys, ['X', t('answer.declined')], ...extra].map(([key, meaning]) =>
      h('li', {}, h('kbd', {}, key), ' ', meaning),
    ),
  );
}
