import type { AnswerForm, MachineAnswer } from '../../src/answers/answer.js';
import { saveMachineAnswer } from '../../src/answers/answer-store.js';
import type { Database } from '../../src/db/database.js';

/** A machine answer as the reader would give it: sure of `value`, or unsure (review) when it is null. */
export function machineAnswer(
  form: AnswerForm,
  value: number | null,
  extra: Partial<MachineAnswer> = {},
): MachineAnswer {
  return {
    form,
    value,
    confidence: value === null ? 0 : 0.95,
    needsReview: value === null && form !== 'text',
    reason: value === null ? 'no number in the answer' : `"${value}" in the answer`,
    evidence: [],
    text: '',
    window: { startMs: 0, endMs: 4000 },
    pressMs: 2000,
    question: { heard: true, span: { startMs: 0, endMs: 1000 }, matched: 'question', similarity: 1 },
    readings: [],
    ...extra,
  };
}

/** Stores a clip's machine answer as the transcription worker would. */
export async function storeAnswer(db: Database, clipId: string, form: AnswerForm, value: number | null): Promise<void> {
  await saveMachineAnswer(db, clipId, machineAnswer(form, value), new Date().toISOString());
}
