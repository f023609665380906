import type { Word } from '../transcription/transcript.js';
import type { AnswerForm, AnswerReading, AnswerSettings, MachineAnswer } from './answer.js';
import { tokenize } from './answer-tokens.js';
import { couldBe, heardAtSameTime } from './sound-alike.js';
import { numberAt } from './spoken-numbers.js';
import { CARRIED_CONFIDENCE, SCALE_TOP } from './targeted/grammar-confidence.js';

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
 *   targeted reading found a value: accepted only with confidence ≥ TARGETED_ALONE_MIN_CONFIDENCE,
 *   or with the transcript hearing the scale's carrier right after it ("mine out of ten": then
 *   CARRIED_CONFIDENCE), and the question's review threshold, evidence free of filler tokens, and no word heard by
 *   the transcript at the same time that is nearer another number ("far" where the decode heard
 *   "five"; "mine" for nine passes: sound-alike.ts); else review.
 * - The transcript found a value and the targeted reading refused with any number other than
 *   that value among its words (after the press only when the transcript's value came after it too) ("one or two" heard as "one one" where the decode heard 1 and 5;
 *   a CSAT "five" where the decode heard "eight"): no value, review. The two decodings heard
 *   different numbers there; in noise the transcript's lone number is as likely a fragment of
 *   the scale or of babble as the answer.
 * - The transcript found a value and the targeted decode heard no words at all in the window:
 *   no value, review. The grammar has a path for any everyday word, so a decode of nothing says
 *   the window held no speech it could follow, and the transcript's number stands unconfirmed.
 * - The transcript found a value and the targeted reading found no number, or only that value:
 *   the transcript's value, with 0.1 less confidence.
 * Then the review threshold: below `reviewBelow` the value is withheld and the clip marked for
 * review; a missing value is always marked for review.
 */
export function combineReadings(
  readings: readonly AnswerReading[],
  settings: AnswerSettings,
  form: Exclude<AnswerForm, 'text'>,
  clip: ClipHeard,
): Decision {
  const transcript = readings.find((r) => r.source === 'transcript');
  const targeted = readings.find((r) => r.source === 'targeted');
  return threshold(merge(transcript, targeted, form, clip), settings);
}

/** What the full transcription heard of the clip, besides the readings of the window. */
export interface ClipHeard {
  /** The full transcript's words, with their times. */
  words: readonly Word[];
  /** The press, in ms from the clip's start. */
  pressMs: number;
}

/** The answer with a targeted reading added (replacing an earlier one) and the decision taken again. */
export function withTargetedReading(
  answer: MachineAnswer,
  reading: AnswerReading,
  settings: AnswerSettings,
  transcript: readonly Word[],
): MachineAnswer {
  if (answer.form === 'text') return answer;
  const readings = [
    ...answer.readings.filter((r) => r.source !== 'targeted'),
    { ...reading, source: 'targeted' as const },
  ];
  return {
    ...answer,
    ...combineReadings(readings, settings, answer.form, {
      words: transcript,
      pressMs: answer.pressMs,
    }),
    readings,
  };
}

function merge(
  transcript: AnswerReading | undefined,
  targeted: AnswerReading | undefined,
  form: Exclude<AnswerForm, 'text'>,
  clip: ClipHeard,
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
    if (targeted.decoded === '') {
      return none(
        `the transcript says ${transcript.value}, but the targeted re-recognition heard no words in the window to confirm it`,
        transcript.evidence,
      );
    }
    // A number the transcript heard before the press is not put in doubt by numbers the decode
    // hears after it: that is the next thing said at the counter (an order number, change, the
    // next customer's "what can I get you"), decoded with score words only.
    const saidBefore = transcript.evidence.every((w) => w.endMs <= clip.pressMs);
    const rivals = saidBefore ? targeted.evidence.filter((w) => w.startMs < clip.pressMs) : targeted.evidence;
    const heard = numbersIn(rivals, form).filter((n) => n !== transcript.value);
    if (heard.length > 0) {
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
  const carrier = carrierHeardAfter(targeted, clip.words, form);
  if ((targeted.confidence < TARGETED_ALONE_MIN_CONFIDENCE && !carrier) || !clean) {
    return none(
      `only the targeted re-recognition heard ${targeted.value}, not surely enough (${targeted.reason})`,
      targeted.evidence,
    );
  }
  const misheard = otherNumberHeard(targeted, clip.words);
  if (misheard) {
    return none(
      `only the targeted re-recognition heard ${targeted.value}, where the transcript heard "${misheard}", nearer another number (${targeted.reason})`,
      targeted.evidence,
    );
  }
  if (carrier && targeted.confidence < CARRIED_CONFIDENCE) {
    return {
      ...fromReading(targeted),
      confidence: CARRIED_CONFIDENCE,
      reason: `the targeted re-recognition heard it, and the transcript heard "${carrier}" right after: ${targeted.reason}`,
    };
  }
  return { ...fromReading(targeted), reason: `the targeted re-recognition heard it: ${targeted.reason}` };
}

/** How soon (ms) after the number the carrier must begin. */
const CARRIER_WITHIN_MS = 400;

/**
 * The carrier ("out of ten") the full transcript heard right after the targeted decode's number,
 * where the full decode heard no number ("mine out of ten"): the transcript's better ear for
 * everyday words places a score there, and the grammar decode names it. Undefined when absent.
 */
function carrierHeardAfter(
  targeted: AnswerReading,
  transcript: readonly Word[],
  form: Exclude<AnswerForm, 'text'>,
): string | undefined {
  const number = targeted.evidence.at(-1);
  if (!number) return undefined;
  // The first word the transcript began after the number's middle: the one heard at the same time
  // as the number ("mine") begins before it.
  const middle = (number.startMs + number.endMs) / 2;
  const next = transcript.findIndex((w) => w.startMs >= middle);
  if (next < 0 || (transcript[next] as Word).startMs > number.endMs + CARRIER_WITHIN_MS) return undefined;
  const top = SCALE_TOP[form];
  // As the full decode writes it, "out" sometimes lost.
  for (const carrier of top === null ? [] : [`out of ${top}`, `of ${top}`]) {
    const length = carrier.split(' ').length;
    const said = tokenize(transcript.slice(next, next + length))
      .map((t) => t.text)
      .join(' ');
    if (said === carrier) return said;
  }
  return undefined;
}

/**
 * A word the transcript heard where the targeted decode heard its value, when that word is closer
 * to another number than to the value ("far" where the decode heard "five": four as likely).
 * Undefined when the transcript heard nothing there, or something that could be the value
 * ("mine" for nine).
 */
function otherNumberHeard(targeted: AnswerReading, transcript: readonly Word[]): string | undefined {
  const tokens = tokenize(targeted.evidence);
  const at = tokens.findIndex((_, i) => numberAt(tokens, i) === targeted.value);
  if (at < 0 || targeted.value === null) return undefined;
  const said = heardAtSameTime(transcript, (tokens[at] as (typeof tokens)[number]).word);
  if (said.length === 0 || said.some((w) => couldBe(w.word, targeted.value as number))) return undefined;
  return said.map((w) => w.word).join(' ');
}

/** The numbers among a reading's evidence words ("seven", "8", "thirty"); a yes/no has none. */
function numbersIn(evidence: readonly Word[], form: Exclude<AnswerForm, 'text'>): number[] {
  if (form === 'yes_no') return [];
  const tokens = tokenize(evidence);
  const values = tokens.map((_, i) => numberAt(tokens, i));
  return [...new Set(values.filter((n): n is number => n !== undefined))];
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
