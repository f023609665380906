import type { Word } from '../transcription/transcript.js';
import type { Token } from './answer-tokens.js';

/** What a reader knows about where its evidence came from, beyond the words themselves. */
export interface ReadingCircumstances {
  questionHeard: boolean;
  /** The transcript had no word times: the window is only a guess by word order. */
  untimed: boolean;
  pressMs: number;
}

/** Words that make an answer tentative: "maybe a seven", «наверное восемь». */
const HEDGES = new Set([
  'maybe',
  'perhaps',
  'probably',
  'guess',
  'around',
  'about',
  'roughly',
  'possibly',
  'наверное',
  'может',
  'пожалуй',
  'примерно',
  'где',
  'около',
  'вроде',
]);

/**
 * How much to trust a value read from the transcript, 0..1. It starts high, because the reader
 * already refused every case it knows to be doubtful, and loses for each thing that makes a
 * misreading likelier: the question not heard (the window may hold someone else's words), no
 * word times, a hedge, evidence after the press. The engine's own word confidence is not used:
 * pocketsphinx gives correctly heard words posteriors as low as 0.1 ("nine" at 0.107 here), so it
 * does not tell right from wrong.
 * Repeating the same value ("nine, nine") adds a little.
 */
export function readingConfidence(
  tokens: readonly Token[],
  evidence: readonly Word[],
  at: ReadingCircumstances,
): number {
  let confidence = 0.95;
  if (!at.questionHeard) confidence -= at.untimed ? 0.25 : 0.15;
  if (tokens.some((t) => HEDGES.has(t.text))) confidence -= 0.1;
  if (!at.untimed && evidence.every((w) => w.startMs > at.pressMs)) confidence -= 0.1;
  if (evidence.length > 1) confidence += 0.03;
  return Math.round(Math.min(0.99, Math.max(0, confidence)) * 100) / 100;
}
