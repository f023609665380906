import { distance } from 'fastest-levenshtein';
import type { Word } from '../transcription/transcript.js';
import { spellingsOf } from './spoken-numbers.js';

/**
 * Whether a word the full transcript heard could be the number `value` misheard: it is at least
 * as close to one of the value's spellings as to any spelling of another number 0–10. "mine"
 * and "line" could be nine; "far" is nearer four than five; "did" is nearer ten than eight. Matched
 * on letters, as the question is (question-finder.ts): a recogniser's mishearing keeps most of
 * the word's letters.
 */
export function couldBe(heard: string, value: number): boolean {
  const word = heard.toLowerCase();
  const nearest = (v: number) => Math.min(...spellingsOf(v).map((s) => distance(word, s)));
  const own = nearest(value);
  for (let other = 0; other <= 10; other++) {
    if (other !== value && nearest(other) < own) return false;
  }
  return true;
}

/**
 * The transcript's words said at the same time as `word` (overlapping it), which tell what the
 * full decode made of the same sound.
 */
export function heardAtSameTime(transcript: readonly Word[], word: Word): Word[] {
  return transcript.filter((w) => w.startMs < word.endMs && word.startMs < w.endMs);
}
