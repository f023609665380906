import type { Word } from '../transcription/transcript.js';

export interface NpsEvidence {
  /** The words that gave the score, with their times in the clip. */
  words: Word[];
}

export type NpsExtraction = { score: number; evidence: NpsEvidence } | { score: null; reason: string };

/** Number words that are a score of 0-10, in the forms an answer uses (RU cases included). */
const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  nought: 0,
  nil: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  ноль: 0,
  нуль: 0,
  нуля: 0,
  один: 1,
  одна: 1,
  одного: 1,
  одну: 1,
  два: 2,
  две: 2,
  двух: 2,
  три: 3,
  трех: 3,
  четыре: 4,
  четырех: 4,
  пять: 5,
  пяти: 5,
  шесть: 6,
  шести: 6,
  шестерка: 6,
  шестерку: 6,
  семь: 7,
  семи: 7,
  семерка: 7,
  семерку: 7,
  восемь: 8,
  восьми: 8,
  восьмерка: 8,
  восьмерку: 8,
  девять: 9,
  девяти: 9,
  девятка: 9,
  девятку: 9,
  десять: 10,
  десяти: 10,
  десятка: 10,
  десятку: 10,
  десяточка: 10,
  десяточку: 10,
};

/** Numbers that are not a 0-10 score: an answer naming one is not read as a score. */
const OUT_OF_RANGE = new Set([
  'eleven',
  'twelve',
  'twenty',
  'fifty',
  'hundred',
  'сто',
  'одиннадцать',
  'двадцать',
  'пятьдесят',
  'сотня',
]);

/** School marks (of 5): «пятёрка» is a 5 of 5, not a 5 of 10. */
const SCHOOL_MARKS = new Set([
  'пятерка',
  'пятерку',
  'пятерочка',
  'пятерочку',
  'четверка',
  'четверку',
  'тройка',
  'тройку',
  'двойка',
  'двойку',
  'единица',
  'единицу',
  'кол',
]);

const NEGATIONS = new Set(['not', "n't", 'never', 'не', 'ни']);
/** "this one", "the one": an article or pronoun before "one" makes it not a number. */
const ONE_DETERMINERS = new Set(['this', 'that', 'the', 'every', 'any', 'some', 'no', 'each', 'which']);

interface Token {
  text: string;
  word: Word;
}

/**
 * The customer's 0-10 score in an NPS answer, or no score with the reason. Digits and number words
 * in English and Russian count; the scale ("out of ten", «из десяти», "8/10") does not. Anything
 * that could make the reading wrong gives no score: two different numbers ("seven or eight"), a
 * negation before the number, a school mark, a fraction, a number out of range.
 */
export function extractNps(words: Word[]): NpsExtraction {
  const tokens = tokenize(words);
  const candidates: { value: number; at: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const text = at(tokens, i);
    if (SCHOOL_MARKS.has(text)) return { score: null, reason: `school mark "${text}" (of 5) is ambiguous` };
    if (OUT_OF_RANGE.has(text)) return { score: null, reason: `"${text}" is not a score of 0-10` };
    const value = valueOf(text);
    if (value === undefined) continue;
    const prev = at(tokens, i - 1);
    if (text === 'one' && ONE_DETERMINERS.has(prev)) continue;
    if (value > 10 || !Number.isInteger(value)) return { score: null, reason: `"${text}" is not a score of 0-10` };
    // The scale: "out of ten", "of 10", «из десяти», "8/10".
    if (value === 10 && (prev === 'of' || prev === 'из')) continue;
    const negation = [1, 2, 3, 4].map((back) => at(tokens, i - back)).find((t) => NEGATIONS.has(t));
    if (negation) return { score: null, reason: `"${text}" comes after a negation ("${negation}")` };
    const after = [1, 2, 3].map((ahead) => at(tokens, i + ahead));
    if (isFraction(after)) return { score: null, reason: `"${text} ${after.join(' ').trim()}" is a fraction` };
    candidates.push({ value, at: i });
  }
  const distinct = [...new Set(candidates.map((c) => c.value))];
  if (distinct.length === 0) return { score: null, reason: 'no number in the answer' };
  if (distinct.length > 1) return { score: null, reason: `several numbers (${distinct.join(', ')}): ambiguous` };
  return {
    score: distinct[0] as number,
    evidence: { words: candidates.map((c) => (tokens[c.at] as Token).word) },
  };
}

function at(tokens: Token[], i: number): string {
  return tokens[i]?.text ?? '';
}

/** "nine point five", "eight and a half", «восемь с половиной», «девять запятая пять». */
function isFraction([a, b, c]: string[]): boolean {
  return (
    a === 'point' ||
    a === 'запятая' ||
    a === 'half' ||
    (a === 'с' && b === 'половиной') ||
    (a === 'and' && (b === 'half' || (b === 'a' && c === 'half')))
  );
}

function valueOf(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (/^\d+[.,]\d+$/.test(text)) return Number(text.replace(',', '.'));
  return NUMBER_WORDS[text];
}

/**
 * Lower case, ё as е, punctuation dropped; "8/10" and "7-8" split so that scale and ranges show;
 * "I'd" keeps its apostrophe, "isn't" splits into "is" "n't".
 */
function tokenize(words: Word[]): Token[] {
  const tokens: Token[] = [];
  for (const word of words) {
    const pieces = word.word
      .toLowerCase()
      .replaceAll('ё', 'е')
      .replace(/(\d)\s*\/\s*(\d)/g, '$1 of $2')
      .replace(/(\d)\s*[-–—]\s*(\d)/g, '$1 $2')
      .replace(/n't\b/g, " n't")
      .replace(/[^\p{L}\p{N}'.,]+/gu, ' ')
      .replace(/(?<!\d)[.,]|[.,](?!\d)/g, ' ')
      .split(/\s+/)
      .filter((p) => p !== '');
    for (const text of pieces) tokens.push({ text, word });
  }
  return tokens;
}

/** Words without times (an engine that gave only text): one per whitespace-separated token. */
export function wordsOfText(text: string): Word[] {
  return text
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((word) => ({ word, startMs: 0, endMs: 0, confidence: null }));
}
