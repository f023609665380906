import type { Word } from '../transcription/transcript.js';
import type { TimeSpan } from './answer.js';
import type { QuestionFound } from './question-finder.js';

/** A pause this long between two words ends an utterance. */
export const UTTERANCE_GAP_MS = 700;

export interface AnswerWindow {
  span: TimeSpan;
  /** The transcript's words in the window, in order. */
  words: Word[];
}

/**
 * The answer window. Staff press after hearing the answer, so it is normally the last speech
 * before the press; sometimes it comes just after, hence the grace. With the question heard,
 * the window runs from the end of the question to the press plus the grace. Without it, from
 * the start of the last utterance that began before the press (utterances split on pauses of
 * UTTERANCE_GAP_MS) to the press plus the grace. A transcript without times (an engine that
 * gave only text) can only be cut by word order: after the question, or all of it.
 */
export function answerWindow(
  words: readonly Word[],
  question: QuestionFound,
  pressMs: number,
  graceMs: number,
): AnswerWindow {
  const endMs = pressMs + graceMs;
  const timed = words.some((w) => w.startMs !== 0 || w.endMs !== 0);
  if (!timed) {
    const from = question.heard.heard ? question.afterWord : 0;
    return { span: { startMs: 0, endMs }, words: words.slice(from) };
  }
  let first: number;
  let startMs: number;
  if (question.heard.heard && question.heard.span) {
    first = question.afterWord;
    startMs = question.heard.span.endMs;
  } else {
    first = lastUtteranceStart(words, pressMs);
    startMs = words[first]?.startMs ?? pressMs;
  }
  const inWindow: Word[] = [];
  for (let i = first; i < words.length; i++) {
    const word = words[i] as Word;
    if (word.startMs >= endMs) break;
    inWindow.push(word);
  }
  return { span: { startMs: Math.min(startMs, endMs), endMs }, words: inWindow };
}

/** Index of the first word of the last utterance that began before the press (words.length if none). */
function lastUtteranceStart(words: readonly Word[], pressMs: number): number {
  let start = words.length;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as Word;
    if (word.startMs > pressMs) break;
    const previous = words[i - 1];
    if (!previous || word.startMs - previous.endMs >= UTTERANCE_GAP_MS) start = i;
  }
  return start;
}
