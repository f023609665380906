import type { Word } from '../transcription/transcript.js';

/** One normalised piece of a recognised word: the unit every rule of the reader looks at. */
export interface Token {
  text: string;
  /** The recognised word it came from (its times are the token's). */
  word: Word;
  /** The index of that word in the transcript. */
  wordIndex: number;
}

/** Currency signs become the unit word a person would have said, so that "$5" reads as an amount. */
const CURRENCY_SIGNS: Record<string, string> = { $: 'dollars', '€': 'euros', '£': 'pounds', '₽': 'рублей' };

/**
 * Lower case, ё as е, punctuation dropped; "8/10" becomes "8 of 10" and "7-8" "7 8" so that scales
 * and ranges show; "50%" becomes "50 percent"; "I'd" keeps its apostrophe, "isn't" splits into
 * "is" "n't".
 */
export function tokenize(words: readonly Word[]): Token[] {
  const tokens: Token[] = [];
  words.forEach((word, wordIndex) => {
    const pieces = word.word
      .toLowerCase()
      .replaceAll('ё', 'е')
      .replace(/[$€£₽]/g, (sign) => ` ${CURRENCY_SIGNS[sign] ?? ''} `)
      .replace(/%/g, ' percent ')
      .replace(/(\d)\s*\/\s*(\d)/g, '$1 of $2')
      .replace(/(\d)\s*[-–—]\s*(\d)/g, '$1 $2')
      .replace(/n't\b/g, " n't")
      .replace(/[^\p{L}\p{N}'.,]+/gu, ' ')
      .replace(/(?<!\d)[.,]|[.,](?!\d)/g, ' ')
      .split(/\s+/)
      .filter((p) => p !== '');
    for (const text of pieces) tokens.push({ text, word, wordIndex });
  });
  return tokens;
}

/** The token's text at i, or '' beyond either end: rules look around without bounds checks. */
export function textAt(tokens: readonly Token[], i: number): string {
  return tokens[i]?.text ?? '';
}

/** Words without times (an engine that gave only text): one per whitespace-separated token. */
export function wordsOfText(text: string): Word[] {
  return text
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((word) => ({ word, startMs: 0, endMs: 0, confidence: null }));
}

/** True when the engine gave no times at all, so the window can only be found by word order. */
export function untimed(words: readonly Word[]): boolean {
  return words.length > 0 && words.every((w) => w.startMs === 0 && w.endMs === 0);
}
