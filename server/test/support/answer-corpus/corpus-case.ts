import type { AnswerForm } from '../../../src/answers/answer.js';
import type { Word } from '../../../src/transcription/transcript.js';

/** Who says a turn: the staff member, the customer, or someone else at the counter. */
export type Speaker = 'staff' | 'customer' | 'other';

export interface Turn {
  speaker: Speaker;
  text: string;
  /** Silence before the turn, ms. */
  gapMs: number;
}

/**
 * One counter conversation with its ground truth. The press falls `pressDelayMs` after the end
 * of turn `pressAfter` (negative: before its end, e.g. staff pressing while the customer talks).
 */
export interface CorpusCase {
  id: string;
  language: 'en' | 'ru';
  form: AnswerForm;
  /** The question's configured text (what findQuestion matches). */
  question: string;
  turns: Turn[];
  pressAfter: number;
  pressDelayMs: number;
  /** The value a careful listener would record; null: no answer should be given. */
  expected: number | null;
  /** What makes the case hard, for the report of misses. */
  hazards: string[];
  /** flite voices for staff, customer and others (audio cases only). */
  voices: Record<Speaker, string>;
}

/** A case laid out on a time line: its words with times, and where the press falls. */
export interface TimedCase {
  case: CorpusCase;
  words: Word[];
  pressMs: number;
  durationMs: number;
}

/** Lays turns out from their durations (estimated from the script, or measured from audio). */
export function layOut(c: CorpusCase, turnMs: readonly number[], leadMs = 500, tailMs = 1500): TimedCase {
  const words: Word[] = [];
  let at = leadMs;
  let pressMs = 0;
  c.turns.forEach((turn, i) => {
    at += turn.gapMs;
    const duration = turnMs[i] ?? 0;
    const tokens = turn.text.split(/\s+/).filter((t) => t !== '');
    const letters = tokens.reduce((n, t) => n + t.length + 1, 0);
    let start = at;
    for (const token of tokens) {
      const ms = (duration * (token.length + 1)) / letters;
      const word = token.toLowerCase().replace(/^[^\p{L}\p{N}']+|[^\p{L}\p{N}']+$/gu, '');
      if (word !== '')
        words.push({ word, startMs: Math.round(start), endMs: Math.round(start + ms * 0.9), confidence: null });
      start += ms;
    }
    at += duration;
    if (i === c.pressAfter) pressMs = Math.round(at + c.pressDelayMs);
  });
  return { case: c, words, pressMs, durationMs: Math.round(Math.max(at, pressMs) + tailMs) };
}

/** Script-time duration of a turn: about 70 ms a letter, as flite and people speak. */
export function scriptedTurnMs(turn: Turn): number {
  return 200 + turn.text.replace(/[^\p{L}\p{N}]/gu, '').length * 70;
}

export function scriptedTiming(c: CorpusCase): TimedCase {
  return layOut(c, c.turns.map(scriptedTurnMs));
}
