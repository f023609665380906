import { distance } from 'fastest-levenshtein';
import type { Word } from '../transcription/transcript.js';
import type { QuestionHeard } from './answer.js';
import { type Token, tokenize, wordsOfText } from './answer-tokens.js';

/** How alike a stretch of the transcript and a phrase must be (0..1) to count as that phrase said. */
export const PHRASE_MIN_SIMILARITY = 0.72;
/** Short phrases (one or two words) match by chance unless nearly exact. */
export const SHORT_PHRASE_MIN_SIMILARITY = 0.88;

/** Where the question was heard, with the index of the first transcript word after it. */
export interface QuestionFound {
  heard: QuestionHeard;
  /** Index in the transcript's words of the first word after the question; 0 when not heard. */
  afterWord: number;
}

interface Match {
  phrase: string;
  start: number;
  /** One past the last token. */
  end: number;
  similarity: number;
}

/**
 * Finds the question in the transcript: the question's text or a cue phrase, matched on letters
 * (Levenshtein distance over the joined words, so that a recogniser's "recommend as" still
 * matches "recommend us") over stretches of about the phrase's length. The match that counts
 * is the last one said before the press: an earlier one belongs to a neighbour's
 * conversation. Overlapping matches keep the closest's phrase (the longest of equals: the whole
 * question rather than a cue inside it), and the asking ends where the last of them ends; for one
 * phrase at one place, the shortest stretch of the best similarity, so a match never reaches into
 * the answer because one more word barely changes it.
 */
export function findQuestion(words: readonly Word[], phrases: readonly string[], pressMs: number): QuestionFound {
  const tokens = tokenize(words);
  const timed = words.some((w) => w.startMs !== 0 || w.endMs !== 0);
  const candidates: Match[] = [];
  for (const phrase of new Set(phrases.map((p) => p.trim()).filter((p) => p !== ''))) {
    const wanted = tokenize(wordsOfText(phrase)).map((t) => t.text);
    if (wanted.length === 0) continue;
    const target = wanted.join(' ');
    const min = wanted.length <= 2 ? SHORT_PHRASE_MIN_SIMILARITY : PHRASE_MIN_SIMILARITY;
    const slack = wanted.length > 4 ? 2 : 1;
    for (let start = 0; start < tokens.length; start++) {
      if (timed && (tokens[start] as Token).word.startMs > pressMs) break;
      let best: Match | undefined;
      for (let length = Math.max(1, wanted.length - slack); length <= wanted.length + slack; length++) {
        if (start + length > tokens.length) break;
        // The question is asked before the press: a match running past it is not the question.
        if (timed && (tokens[start + length - 1] as Token).word.startMs > pressMs) break;
        const said = joined(tokens, start, start + length);
        const similarity = 1 - distance(said, target) / Math.max(said.length, target.length);
        if (similarity >= min && (!best || similarity > best.similarity)) {
          best = { phrase, start, end: start + length, similarity };
        }
      }
      if (best) candidates.push(best);
    }
  }
  const closest = (a: Match, b: Match) => b.similarity - a.similarity || b.end - b.start - (a.end - a.start);
  // Each phrase where it fits best: a stretch starting a word late fits it worse, and would
  // otherwise reach into the answer below.
  const best: Match[] = [];
  for (const match of candidates.sort(closest)) {
    if (!best.some((k) => k.phrase === match.phrase && match.start < k.end && k.start < match.end)) best.push(match);
  }
  const kept: Match[] = [];
  for (const match of best) {
    const overlapping = kept.find((k) => match.start < k.end && k.start < match.end);
    if (!overlapping) kept.push({ ...match });
    // The asking spans every phrase of it heard there: a cue inside the question ("recommend us to
    // a friend") must not end it before its scale ("from zero to ten"), or the window would hold
    // the scale, whose numbers a decode with score words only hears as answers.
    else overlapping.end = Math.max(overlapping.end, match.end);
  }
  const last = kept.sort((a, b) => b.start - a.start)[0];
  if (!last) return { heard: { heard: false, span: null, matched: null, similarity: 0 }, afterWord: 0 };
  const first = tokens[last.start] as Token;
  const end = tokens[last.end - 1] as Token;
  return {
    heard: {
      heard: true,
      span: { startMs: first.word.startMs, endMs: end.word.endMs },
      matched: last.phrase,
      similarity: Math.round(last.similarity * 100) / 100,
    },
    afterWord: end.wordIndex + 1,
  };
}

function joined(tokens: readonly Token[], start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += (i === start ? '' : ' ') + (tokens[i] as Token).text;
  return text;
}
