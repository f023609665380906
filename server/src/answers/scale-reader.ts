import type { Word } from '../transcription/transcript.js';
import type { AnswerReading } from './answer.js';
import { type Token, textAt } from './answer-tokens.js';
import { exclusionOf } from './number-exclusions.js';
import { type ReadingCircumstances, readingConfidence } from './reading-confidence.js';
import { SCHOOL_MARKS, type SpokenNumber, spokenNumbers } from './spoken-numbers.js';

/** A rating scale: NPS 0–10 (school marks refused) or CSAT 1–5 (school marks are the answer). */
export interface Scale {
  min: number;
  max: number;
  schoolMarks: 'refuse' | 'accept';
}

export const NPS_SCALE: Scale = { min: 0, max: 10, schoolMarks: 'refuse' };
export const CSAT_SCALE: Scale = { min: 1, max: 5, schoolMarks: 'accept' };

const NEGATIONS = new Set(['not', "n't", 'never', 'не', 'ни']);
/** "I don't know, eight": the negation is about knowing, not about the number. */
const NOT_NEGATED = new Set(['know', 'sure', 'знаю', 'уверен', 'уверена']);
/** "one more thing", "one of them", "one moment": not a number here. */
const ONE_IDIOMS = new Set(['more', 'of', 'thing', 'moment', 'another', 'last', 'way']);

/**
 * The value on the scale in the window's tokens, or none with the reason. Numbers that are not
 * answers (exclusions) are set aside first. What could make the reading wrong gives no value,
 * with the words that caused it as evidence: two different numbers ("seven or eight", a
 * correction), a negation before the number, a fraction, a number out of the scale, a school
 * mark on the 0–10 scale. A null value with no evidence means nothing like an answer was said.
 */
export function readScale(tokens: readonly Token[], scale: Scale, at: ReadingCircumstances): AnswerReading {
  const refuse = (reason: string, evidence: Word[]): AnswerReading => ({
    source: 'transcript',
    value: null,
    confidence: 0,
    reason,
    evidence,
  });
  const numbers = spokenNumbers(tokens);
  const candidates: { value: number; word: Word }[] = [];
  const marks = tokens.filter((t) => SCHOOL_MARKS[t.text] !== undefined);
  for (const mark of marks) {
    if (scale.schoolMarks === 'refuse') return refuse(`school mark "${mark.text}" (of 5) is ambiguous`, [mark.word]);
    candidates.push({ value: SCHOOL_MARKS[mark.text] as number, word: mark.word });
  }
  for (let n = 0; n < numbers.length; n++) {
    const number = numbers[n] as SpokenNumber;
    const first = tokens[number.start] as Token;
    if (number.value === 1 && number.parts === 1 && ONE_IDIOMS.has(textAt(tokens, number.end))) continue;
    if (exclusionOf(tokens, numbers, n) !== undefined) continue;
    const quoted = tokens
      .slice(number.start, number.end)
      .map((t) => t.text)
      .join(' ');
    if (!Number.isInteger(number.value) || number.value < scale.min || number.value > scale.max) {
      return refuse(`"${quoted}" is not a score of ${scale.min}–${scale.max}`, [first.word]);
    }
    const negation = negationBefore(tokens, number.start);
    if (negation) return refuse(`"${quoted}" comes after a negation ("${negation}")`, [first.word]);
    const after = [0, 1, 2].map((ahead) => textAt(tokens, number.end + ahead));
    if (isFraction(after)) return refuse(`"${quoted} ${after.join(' ').trim()}" is a fraction`, [first.word]);
    candidates.push({ value: number.value, word: first.word });
  }
  const distinct = [...new Set(candidates.map((c) => c.value))];
  if (distinct.length === 0) return refuse('no number in the answer', []);
  if (distinct.length > 1) {
    return refuse(
      `several numbers (${distinct.join(', ')}): ambiguous`,
      candidates.map((c) => c.word),
    );
  }
  const evidence = candidates.map((c) => c.word);
  return {
    source: 'transcript',
    value: distinct[0] as number,
    confidence: readingConfidence(tokens, evidence, at),
    reason: `"${evidence.map((w) => w.word).join(' ')}" in the answer`,
    evidence,
  };
}

function negationBefore(tokens: readonly Token[], start: number): string | undefined {
  for (let back = 1; back <= 4; back++) {
    const text = textAt(tokens, start - back);
    if (NEGATIONS.has(text) && !NOT_NEGATED.has(textAt(tokens, start - back + 1))) return text;
  }
  return undefined;
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
