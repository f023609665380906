import type { AnswerForm } from './answer.js';

/** What a person says a clip's answer is: a value, or "no answer given" (declined). */
export interface HumanAnswer {
  value: number | null;
  declined: boolean;
}

const RANGES: Record<Exclude<AnswerForm, 'text'>, [number, number, string]> = {
  nps: [0, 10, 'a score from 0 to 10'],
  csat: [1, 5, 'a rating from 1 to 5'],
  yes_no: [0, 1, '1 (yes) or 0 (no)'],
};

/**
 * Why this answer does not fit the clip's form, or null when it does. A text answer (open
 * questions, complaints) has no value: a person confirms the words or says none was given.
 */
export function humanAnswerProblem(form: AnswerForm, answer: HumanAnswer): string | null {
  if (answer.declined)
    return answer.value === null ? null : 'body/value: a declined answer has no value: leave value out';
  if (form === 'text') {
    return answer.value === null
      ? null
      : 'body/value: this question is answered in words, not a value: leave value out';
  }
  const [min, max, expected] = RANGES[form];
  if (answer.value === null) return `body/value: expected ${expected}, or declined: true for no answer given`;
  if (!Number.isInteger(answer.value) || answer.value < min || answer.value > max) {
    return `body/value: expected ${expected}, got ${answer.value}`;
  }
  return null;
}
