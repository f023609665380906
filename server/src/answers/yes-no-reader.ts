import type { Word } from '../transcription/transcript.js';
import type { AnswerReading } from './answer.js';
import { type Token, textAt } from './answer-tokens.js';
import { type ReadingCircumstances, readingConfidence } from './reading-confidence.js';

const YES = new Set([
  'yes',
  'yeah',
  'yep',
  'yup',
  'sure',
  'definitely',
  'absolutely',
  'certainly',
  'course',
  'totally',
  'да',
  'ага',
  'угу',
  'конечно',
  'разумеется',
  'естественно',
  'обязательно',
  'безусловно',
]);
/** Yes words that "not"/«нет» after them turn into a no: "of course not", «конечно нет». */
const INTENSIFIERS = new Set(['course', 'definitely', 'absolutely', 'certainly', 'конечно', 'разумеется', 'точно']);
const NO = new Set(['no', 'nope', 'nah', 'never', 'нет', 'неа', 'никогда']);
const NEGATIONS = new Set(['not', "n't", 'не']);
/** "not sure", "don't know", «не знаю», "maybe": the customer did not decide. */
const UNDECIDED = new Set(['maybe', 'perhaps', 'dunno', 'может', 'посмотрим']);
/** "no problem", "no doubt": a "no" that is not the answer. */
const NO_IDIOMS = new Set(['problem', 'problems', 'worries', 'doubt']);

/**
 * Yes (1) or no (0) in the window's tokens. "Of course not", "definitely not", «конечно нет» are
 * a no; "not sure", "don't know", «не знаю», "maybe" are no answer; a negated yes word ("not
 * necessarily", «не обязательно») is no answer; "I don't think so" and «не думаю» are a no.
 * Both a yes and a no in the window: no value (ambiguous).
 */
export function readYesNo(tokens: readonly Token[], at: ReadingCircumstances): AnswerReading {
  const yes: Word[] = [];
  const no: Word[] = [];
  const undecided: Word[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const text = token.text;
    const next = textAt(tokens, i + 1);
    const negated = NEGATIONS.has(textAt(tokens, i - 1));
    if (UNDECIDED.has(text) || (NEGATIONS.has(text) && ['sure', 'know', 'знаю', 'уверен', 'уверена'].includes(next))) {
      undecided.push(token.word);
    } else if (NEGATIONS.has(text) && ['think', 'думаю', 'really', 'особо', 'очень'].includes(next)) {
      no.push(token.word);
    } else if (text === 'not' && next === 'at' && textAt(tokens, i + 2) === 'all') {
      no.push(token.word);
    } else if (YES.has(text)) {
      if (INTENSIFIERS.has(text) && (NO.has(next) || next === 'not')) no.push(token.word);
      else if (negated) undecided.push(token.word);
      else if (text !== 'course' || textAt(tokens, i - 1) === 'of') yes.push(token.word);
    } else if (NO.has(text)) {
      if (text === 'no' && next === 'doubt') yes.push(token.word);
      else if (!NO_IDIOMS.has(next) && !INTENSIFIERS.has(textAt(tokens, i - 1))) no.push(token.word);
    }
  }
  const refuse = (reason: string, evidence: Word[]): AnswerReading => ({
    source: 'transcript',
    value: null,
    confidence: 0,
    reason,
    evidence,
  });
  if (yes.length > 0 && no.length > 0) return refuse('both a yes and a no: ambiguous', [...yes, ...no]);
  const said = yes.length > 0 ? yes : no;
  if (said.length === 0) {
    return undecided.length > 0
      ? refuse('the customer did not decide', undecided)
      : refuse('no yes or no in the answer', []);
  }
  const value = yes.length > 0 ? 1 : 0;
  const confidence = readingConfidence(tokens, said, at) - (undecided.length > 0 ? 0.2 : 0);
  return {
    source: 'transcript',
    value,
    confidence: Math.max(0, Math.round(confidence * 100) / 100),
    reason: `"${said.map((w) => w.word).join(' ')}" in the answer`,
    evidence: said,
  };
}
