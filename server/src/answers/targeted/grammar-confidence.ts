import type { Word } from '../../transcription/transcript.js';
import type { AnswerReading } from '../answer.js';
import { UTTERANCE_GAP_MS } from '../answer-window.js';

/** The word a score's carrier ends on ("nine out of ten"), per form; a yes/no has none. */
export const SCALE_TOP = { nps: 'ten', csat: 'five', yes_no: null } as const;

/** A number with its whole carrier ("nine out of ten"): hard to make out of other sounds. */
export const CARRIED_CONFIDENCE = 0.9;
/** A bare number that ends what the customer said ("I would say ten."), as answers end. */
export const LAST_SAID_CONFIDENCE = 0.85;
/** Any other bare number or yes/no: easy to insert into noise; it confirms, never stands alone. */
export const BARE_CONFIDENCE = 0.75;

/**
 * Confidence of a grammar decode's reading. pocketsphinx reports 1.0 for every word of a JSGF
 * path, so the confidence comes from the shape of what was heard, with `top` the scale's top word
 * ("ten", "five"; null for yes/no):
 * - the number with its carrier: "out" and then "of" within the next four words (the decode
 *   slips short fillers in and may lose the top: "nine a out to of to"), or "of" right before
 *   the top within the next four words (it may lose "out": "seven know to of ten"):
 *   CARRIED_CONFIDENCE. A bare "of" ("four of of did") is no carrier: the decode hears "of" in
 *   any short vowel.
 * - a bare number after which the decode heard nothing for an utterance gap: LAST_SAID_CONFIDENCE.
 *   The decode's stray numbers (an "eight" made of a breath, the question's last word) come with
 *   the talk around them; an answer is the last thing the customer says before the press.
 * - else BARE_CONFIDENCE.
 */
export function grammarConfidence(words: readonly Word[], top: string | null) {
  const indexOf = (w: Word) => words.findIndex((x) => x.startMs === w.startMs && x.word === w.word);
  return (reading: AnswerReading): number => {
    const last = reading.evidence.at(-1);
    const at = last ? indexOf(last) : -1;
    if (at < 0) return BARE_CONFIDENCE;
    if (
      top !== null &&
      carried(
        words.slice(at + 1, at + 7).map((w) => w.word),
        top,
      )
    )
      return CARRIED_CONFIDENCE;
    const endsUtterance = (w: Word) => {
      const next = words[indexOf(w) + 1];
      return next === undefined || next.startMs - w.endMs >= UTTERANCE_GAP_MS;
    };
    return reading.evidence.length > 0 && reading.evidence.every(endsUtterance)
      ? LAST_SAID_CONFIDENCE
      : BARE_CONFIDENCE;
  };
}

function carried(next: readonly string[], top: string): boolean {
  const out = next.slice(0, 4).indexOf('out');
  if (out >= 0 && next.slice(out + 1, 5).includes('of')) return true;
  const of = next.slice(0, 4).indexOf('of');
  return of >= 0 && next[of + 1] === top;
}
