import type { MachineAnswer } from './answer.js';

/** A person's answer as stored beside the machine's. */
export interface HumanAnswerColumns {
  human_value: number | null;
  human_declined: number;
  human_at: string | null;
}

/** The columns that NPS, statistics and filters read: one rule for the worker, re-read and review. */
export interface AnswerInForce {
  value: number | null;
  source: 'human' | 'machine' | null;
  needs_review: number;
}

/**
 * The answer in force: a person's when given (their "no answer given" included, as no value),
 * else the machine's unless it needs review. A person's answer settles the review.
 */
export function answerInForce(
  human: HumanAnswerColumns | undefined,
  machine: Pick<MachineAnswer, 'value' | 'needsReview'>,
): AnswerInForce {
  if (human?.human_at) {
    return { value: human.human_declined === 1 ? null : human.human_value, source: 'human', needs_review: 0 };
  }
  if (machine.value !== null && !machine.needsReview)
    return { value: machine.value, source: 'machine', needs_review: 0 };
  return { value: null, source: null, needs_review: machine.needsReview ? 1 : 0 };
}
