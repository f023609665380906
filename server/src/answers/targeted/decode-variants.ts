import type { Word } from '../../transcription/transcript.js';
import { tokenize } from '../answer-tokens.js';
import { numberAt } from '../spoken-numbers.js';

/**
 * The window is decoded again slightly altered, and a number word counts only where most decodes
 * hear it. The grammar decode's stray numbers (an "eight" made of a breath or of the pause after
 * the question) come and go as the audio shifts a little; a number that was said stays. Each
 * variant is a sox effect and the factor that maps its word times back to the window's.
 * `speed 0.95` was tried and left out: lowered in pitch, flite's voices lose their numbers
 * ("zero" heard as "sure").
 */
export const DECODE_VARIANTS: readonly DecodeVariant[] = [
  { name: 'faster', effect: ['speed', '1.05'], timeScale: 1.05 },
  { name: 'slower', effect: ['tempo', '0.9'], timeScale: 0.9 },
];

export interface DecodeVariant {
  name: string;
  /** The sox effect that makes the variant from the window. */
  effect: readonly string[];
  /** Multiplies the variant's word times back onto the window's. */
  timeScale: number;
}

/** How far apart (ms) two decodes may place the same word. */
export const SAME_WORD_SLACK_MS = 250;

export interface VotedWords {
  /** The first decode's words, without the numbers most decodes did not hear. */
  words: Word[];
  /** The numbers set aside. */
  dropped: Word[];
}

/**
 * Keeps the first decode's words, except number words that fewer than half of all decodes (the
 * first included) heard at about the same time: words that are numbers on their own ("eight",
 * "forty"). Everything else stays as the first decode heard it; the variants only vote.
 */
export function voteNumbers(first: readonly Word[], variants: readonly (readonly Word[])[]): VotedWords {
  const decodes = 1 + variants.length;
  const words: Word[] = [];
  const dropped: Word[] = [];
  for (const word of first) {
    if (!isNumberWord(word)) {
      words.push(word);
      continue;
    }
    const heardBy = 1 + variants.filter((v) => v.some((w) => w.word === word.word && near(w, word))).length;
    if (heardBy * 2 > decodes) words.push(word);
    else dropped.push(word);
  }
  return { words, dropped };
}

/** A variant's words with their times mapped back onto the window's. */
export function rescaled(words: readonly Word[], variant: DecodeVariant): Word[] {
  return words.map((w) => ({
    ...w,
    startMs: Math.round(w.startMs * variant.timeScale),
    endMs: Math.round(w.endMs * variant.timeScale),
  }));
}

function isNumberWord(word: Word): boolean {
  const tokens = tokenize([word]);
  return tokens.length === 1 && numberAt(tokens, 0) !== undefined;
}

function near(a: Word, b: Word): boolean {
  return a.startMs < b.endMs + SAME_WORD_SLACK_MS && b.startMs < a.endMs + SAME_WORD_SLACK_MS;
}
