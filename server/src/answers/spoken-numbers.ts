import { type Token, textAt } from './answer-tokens.js';

/** Number words 0–10 in the forms an answer uses (Russian cases and the «десятка» nouns included). */
const SMALL: Record<string, number> = {
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
  одной: 1,
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

/** Every spelling of each number 0–10 the reader knows ("four"; «четыре», «четырех»). */
export function spellingsOf(value: number): string[] {
  return Object.keys(SMALL).filter((word) => SMALL[word] === value);
}

/** Numbers above ten: never an answer, but they join compounds ("three hundred", «двести пятьдесят»). */
const LARGE: Record<string, number> = {
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
  thousand: 1000,
  million: 1_000_000,
  одиннадцать: 11,
  двенадцать: 12,
  тринадцать: 13,
  пятнадцать: 15,
  двадцать: 20,
  двадцати: 20,
  тридцать: 30,
  сорок: 40,
  пятьдесят: 50,
  шестьдесят: 60,
  семьдесят: 70,
  восемьдесят: 80,
  девяносто: 90,
  сто: 100,
  сотня: 100,
  двести: 200,
  триста: 300,
  четыреста: 400,
  пятьсот: 500,
  шестьсот: 600,
  семьсот: 700,
  восемьсот: 800,
  девятьсот: 900,
  тысяча: 1000,
  тысячи: 1000,
  тысяч: 1000,
};

/** School marks (of 5): «пятёрка» is a 5 of 5, not a 5 of 10. */
export const SCHOOL_MARKS: Readonly<Record<string, number>> = {
  пятерка: 5,
  пятерку: 5,
  пятерочка: 5,
  пятерочку: 5,
  четверка: 4,
  четверку: 4,
  тройка: 3,
  тройку: 3,
  двойка: 2,
  двойку: 2,
  единица: 1,
  единицу: 1,
  кол: 1,
};

/** "this one", "the one": an article or pronoun before "one" makes it not a number. */
const ONE_DETERMINERS = new Set(['this', 'that', 'the', 'every', 'any', 'some', 'no', 'each', 'which', 'another']);

/** Joins the parts of a compound number: "and" in "three hundred and fifty", «и» in prices. */
const JOINERS = new Set(['and', 'и']);

/** A number said in the transcript: one token or a compound of several. */
export interface SpokenNumber {
  value: number;
  /** Index of the first and one-past-last token. */
  start: number;
  end: number;
  /** Several number words together: "three fifty", "twenty five", a phone number. */
  parts: number;
}

/** The value of one token as a number, or undefined. Digits count; "one" after "this" does not. */
export function numberAt(tokens: readonly Token[], i: number): number | undefined {
  const text = textAt(tokens, i);
  if (/^\d+$/.test(text)) return Number(text);
  if (/^\d+[.,]\d+$/.test(text)) return Number(text.replace(',', '.'));
  if (text === 'one' && ONE_DETERMINERS.has(textAt(tokens, i - 1))) return undefined;
  return SMALL[text] ?? LARGE[text];
}

/**
 * The numbers of a token list, number words next to each other read as one: "three hundred and
 * fifty" is 350, "three fifty" (a price) 350 and "five five five one two" a five-part number (a
 * phone number), but "seven eight" stays two numbers (a range), as does "nine, nine" (a
 * repetition).
 */
export function spokenNumbers(tokens: readonly Token[]): SpokenNumber[] {
  const found: SpokenNumber[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const value = numberAt(tokens, i);
    if (value === undefined) continue;
    let total = value;
    let end = i + 1;
    let parts = 1;
    let last = value;
    for (;;) {
      const skip = JOINERS.has(textAt(tokens, end)) && last >= 20 ? 1 : 0;
      const next = numberAt(tokens, end + skip);
      if (next === undefined) break;
      if (next >= 100 && last < 100) total = total - last + last * next;
      else if (last >= 20 && next < last && (last % 10 === 0 || last >= 100)) total += next;
      // "three fifty", «два двадцать»: a price said the short way.
      else if (parts === 1 && last < 10 && next >= 20 && next < 100 && next % 10 === 0) total = last * 100 + next;
      else if (isDigitRun(tokens, i, end + skip)) total = total * 10 + next;
      else break;
      last = next;
      end += skip + 1;
      parts += 1;
    }
    found.push({ value: total, start: i, end, parts });
    i = end - 1;
  }
  return found;
}

/** Four or more single digits in a row ("five five five one two"): read as a digit run. */
function isDigitRun(tokens: readonly Token[], start: number, next: number): boolean {
  let count = 0;
  for (let j = start; j < tokens.length; j++) {
    const value = numberAt(tokens, j);
    if (value === undefined || value > 9) break;
    count += 1;
  }
  return count >= 4 && next - start < count;
}
