import type { Word } from '../transcription/transcript.js';
import type { AnswerForm, AnswerReading, AnswerSettings, MachineAnswer } from './answer.js';
import { tokenize } from './answer-tokens.js';
import { CSAT_SCALE, NPS_SCALE } from './scale-reader.js';
import { numberAt } from './spoken-numbers.js';

/** A targeted reading alone (the transcript found no answer) must be at least this sure. */
export const TARGETED_ALONE_MIN_CONFIDENCE = 0.85;

/** What the readings of one window decide together. */
export type Decision = Pick<MachineAnswer, 'value' | 'confidence' | 'needsReview' | 'reason' | 'evidence'>;

/** Tokens recognisers write for noise, breath and words outside their vocabulary. */
const FILLER = /^(<.*>|\[.*\]|\+\+.*\+\+|\(.*\)|garbage|filler|<unk>|unk)$/i;

/**
 * How the transcript's reading and a targeted re-recognition of the window combine. Precision
 * first: a wrong value is worse than none.
 * - Agreement (same value): the value, with confidence 1 − (1 − a)(1 − b): two independent
 *   decodings that agree are unlikely to be both wrong.
 * - Disagreement (two different values): no value, review.
 * - The transcript refused on purpose (a null value with evidence: a range, a negation, a school
 *   mark, several numbers) and the targeted reading found a value: no value, review; the words
 *   that made the transcript refuse are still in the audio.
 * - The transcript found nothing (a null value without evidence: "mine out of ten") and the
 *   targeted reading found a value: accepted only with confidence ≥ TARGETED_ALONE_MIN_CONFIDENCE
 *   (and the question's review threshold) and evidence free of filler tokens; else review.
 * - The transcript found a value and the targeted reading refused on purpose with other numbers
 *   on the scale than that value ("from zero to any one or two" read as 2, where the decode heard 7, 0, 1 and
 *   8): no value, review. The two decodings heard different numbers there; in noise the
 *   transcript's lone number is as likely a fragment of the scale or of babble as the answer.
 * - The transcript found a value and the targeted reading found none, or refused with that
 *   value among its numbers ("eight … nine" where the transcript heard "nine"): the
 *   transcript's value, with 0.1 less confidence.
 * Then the review threshold: below `reviewBelow` the value is withheld and the clip marked for
 * review; a missing value is always marked for review.
 */
export function combineReadings(
  readings: readonly AnswerReading[],
  settings: AnswerSettings,
  form: Exclude<AnswerForm, 'text'>,
): Decision {
  const transcript = readings.find((r) => r.source === 'transcript');
  const targeted = readings.find((r) => r.source === 'targeted');
  return threshold(merge(transcript, targeted, form), settings);
}

/** The answer with a targeted reading added (replacing an earlier one) and the decision taken again. */
export function withTargetedReading(
  answer: MachineAnswer,
  reading: AnswerReading,
  settings: AnswerSettings,
): MachineAnswer {
  if (answer.form === 'text') return answer;
  const readings = [
    ...answer.readings.filter((r) => r.source !== 'targeted'),
    { ...reading, source: 'targeted' as const },
  ];
  return { ...answer, ...combineReadings(readings, settings, answer.form), readings };
}

function merge(
  transcript: AnswerReading | undefined,
  targeted: AnswerReading | undefined,
  form: Exclude<AnswerForm, 'text'>,
): Decision {
  const none = (reason: string, evidence: Word[] = []): Decision => ({
    value: null,
    confidence: 0,
    needsReview: true,
    reason,
    evidence,
  });
  if (!transcript && !targeted) return none('nothing read');
  if (!targeted) return fromReading(transcript as AnswerReading);
  if (!transcript) return fromReading(targeted);
  if (transcript.value !== null && targeted.value !== null) {
    if (transcript.value !== targeted.value) {
      return none(
        `the transcript says ${transcript.value}, the targeted re-recognition ${targeted.value}: contradictory`,
        [...transcript.evidence, ...targeted.evidence],
      );
    }
    return {
      value: transcript.value,
      confidence: round(1 - (1 - transcript.confidence) * (1 - targeted.confidence)),
      needsReview: false,
      reason: `${transcript.reason}; the targeted re-recognition agrees`,
      evidence: transcript.evidence,
    };
  }
  if (transcript.value !== null) {
    const heard = scoresIn(targeted.evidence, form);
    if (heard.length > 0 && !heard.includes(transcript.value)) {
      return none(
        `the transcript says ${transcript.value}, the targeted re-recognition heard ${heard.join(', ')} instead (${targeted.reason})`,
        [...transcript.evidence, ...targeted.evidence],
      );
    }
    return {
      ...fromReading(transcript),
      confidence: round(Math.max(0, transcript.confidence - 0.1)),
      reason: `${transcript.reason}; the targeted re-recognition heard no answer (${targeted.reason})`,
    };
  }
  if (targeted.value === null) return fromReading(transcript);
  if (transcript.evidence.length > 0) {
    return none(
      `the transcript gave no value (${transcript.reason}) but the targeted re-recognition heard ${targeted.value}`,
      [...transcript.evidence, ...targeted.evidence],
    );
  }
  const clean = targeted.evidence.length > 0 && targeted.evidence.every((w) => !FILLER.test(w.word.trim()));
  if (targeted.confidence < TARGETED_ALONE_MIN_CONFIDENCE || !clean) {
    return none(
      `only the targeted re-recognition heard ${targeted.value}, not surely enough (${targeted.reason})`,
      targeted.evidence,
    );
  }
  return { ...fromReading(targeted), reason: `the targeted re-recognition heard it: ${targeted.reason}` };
}

/**
 * The numbers among a reading's evidence words ("seven", "8") that could be a score on the form's
 * scale: an order number's "forty" or a CSAT "eight" is no other answer.
 */
function scoresIn(evidence: readonly Word[], form: Exclude<AnswerForm, 'text'>): number[] {
  if (form === 'yes_no') return [];
  const scale = form === 'nps' ? NPS_SCALE : CSAT_SCALE;
  const tokens = tokenize(evidence);
  const values = tokens.map((_, i) => numberAt(tokens, i));
  return [...new Set(values.filter((n): n is number => n !== undefined && n >= scale.min && n <= scale.max))];
}

function fromReading(reading: AnswerReading): Decision {
  return {
    value: reading.value,
    confidence: reading.value === null ? 0 : reading.confidence,
    needsReview: reading.value === null,
    reason: reading.reason,
    evidence: reading.evidence,
  };
}

function threshold(decision: Decision, settings: AnswerSettings): Decision {
  if (decision.value === null || decision.confidence >= settings.reviewBelow) return decision;
  return {
    ...decision,
    value: null,
    needsReview: true,
    reason: `${decision.reason}; confidence ${decision.confidence} is below ${settings.reviewBelow}: withheld for review`,
  };
}

function round(n: number): number {
  return Math.round(Math.min(0.99, n) * 100) / 100;
}
