import type { MachineAnswer } from '../../../src/answers/answer.js';
import { DEFAULT_ANSWER_SETTINGS } from '../../../src/answers/answer.js';
import type { AnswerContext } from '../../../src/answers/read-answer.js';
import type { CorpusCase } from './corpus-case.js';

export interface CaseOutcome {
  case: CorpusCase;
  answer: MachineAnswer;
}

export interface CorpusScore {
  cases: number;
  /** Correct values / values given (100 when none given). */
  precision: number;
  /** Correct values / cases with an expected value. */
  recall: number;
  /** Share of cases marked for a person's review, %. */
  reviewShare: number;
  /** Wrong values (including a value where none was expected) and missed expected values. */
  wrong: CaseOutcome[];
  missed: CaseOutcome[];
}

/**
 * Precision and recall over the cases whose form has a value (nps, csat, yes/no); text cases count
 * only against precision, should they ever get a value.
 */
export function scoreCorpus(outcomes: readonly CaseOutcome[]): CorpusScore {
  const given = outcomes.filter((o) => o.answer.value !== null);
  const wrong = given.filter((o) => o.answer.value !== o.case.expected);
  const expected = outcomes.filter((o) => o.case.expected !== null);
  const missed = expected.filter((o) => o.answer.value !== o.case.expected && o.answer.value === null);
  const correct = given.length - wrong.length;
  return {
    cases: outcomes.length,
    precision: given.length === 0 ? 100 : (100 * correct) / given.length,
    recall: expected.length === 0 ? 100 : (100 * correct) / expected.length,
    reviewShare: (100 * outcomes.filter((o) => o.answer.needsReview).length) / Math.max(1, outcomes.length),
    wrong,
    missed,
  };
}

/** The reader's context for a case (its question, its form, the default settings). */
export function contextOf(c: CorpusCase, pressMs: number): AnswerContext {
  return {
    form: c.form,
    language: c.language === 'ru' ? 'ru-RU' : 'en-US',
    questionText: c.language === 'ru' ? { en: null, ru: c.question } : { en: c.question, ru: null },
    settings: DEFAULT_ANSWER_SETTINGS,
    pressMs,
  };
}

/** One line per miss, for bench output and test messages. */
export function describeMisses(score: CorpusScore): string[] {
  const line = (what: string, o: CaseOutcome) => {
    const targeted = o.answer.readings.find((r) => r.source === 'targeted');
    const decoded = targeted && !o.answer.reason.includes(targeted.reason) ? ` | targeted: ${targeted.reason}` : '';
    return `${what} ${o.case.id} [${o.case.hazards.join(', ')}] expected ${o.case.expected} got ${o.answer.value}: ${o.answer.reason} | window "${o.answer.text}"${decoded}`;
  };
  return [...score.wrong.map((o) => line('WRONG', o)), ...score.missed.map((o) => line('MISSED', o))];
}
