import type { AnswerForm } from '../answer.js';

/**
 * Everyday words a customer says around an answer. They are the grammar's filler path: without
 * them pocketsphinx must explain "I'd rather not say" with score words and returns a number.
 * Sound-alikes of score words ("mine", "it", "for", "won") are left out on purpose: they
 * would win over the number they resemble, which is the very mishearing re-recognition repairs.
 */
const FILLER_WORDS = [
  'i',
  "i'd",
  "i'm",
  "it's",
  "that's",
  'friend',
  'would',
  'say',
  'give',
  'you',
  'a',
  'think',
  'let',
  'me',
  'well',
  'maybe',
  "don't",
  'know',
  'rather',
  'not',
  'or',
  'and',
  'the',
  'is',
  'that',
  'so',
  'really',
  'about',
  'probably',
  'sure',
  'what',
  'um',
  'uh',
  'oh',
  'guess',
  'hmm',
  'thanks',
  'thank',
  'very',
  'good',
  'was',
  'we',
  'did',
  'everything',
  'here',
  'go',
];

/**
 * What else is said with numbers at a counter: the question's scale, prices, order numbers,
 * change. With these in the grammar the decode says "order number is forty two" rather than
 * forcing "four two", and the reader's exclusions set it aside as they do in the transcript.
 */
const COUNTER_WORDS = [
  'from',
  'to',
  'scale',
  'on',
  'out',
  'of',
  'twenty',
  'thirty',
  'forty',
  'fifty',
  'sixty',
  'seventy',
  'eighty',
  'ninety',
  'hundred',
  'dollars',
  'cents',
  'rubles',
  'minutes',
  'percent',
  'order',
  'number',
  'your',
  'change',
  'table',
  'please',
  'coffee',
  'latte',
  'croissant',
];

const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/**
 * The JSGF grammar pocketsphinx decodes an answer window with: any sequence of the form's answer
 * words (with their carriers, "nine out of ten") and filler words. Null when the form has no
 * closed vocabulary (text) or the language has no offline model (pocketsphinx here is English only).
 */
export function answerGrammar(form: AnswerForm, language: string): string | null {
  if (!language.toLowerCase().startsWith('en') || form === 'text') return null;
  let answer: string;
  let fillers = FILLER_WORDS;
  if (form === 'yes_no') {
    answer = '<answer> = yes | yeah | yep | no | nope | nah;';
  } else {
    const top = form === 'nps' ? 10 : 5;
    answer = `<answer> = (${NUMBERS.join(' | ')}) [(out of | of) (${NUMBERS[top]})];`;
    fillers = [...FILLER_WORDS, ...COUNTER_WORDS, 'yes', 'no'];
  }
  return [
    '#JSGF V1.0;',
    'grammar answer;',
    'public <said> = (<scale> | <answer> | <filler>)+;',
    // The question's own scale, often still in the window's first second: decoded as a whole so
    // the reader's exclusion sees "from zero to ten" rather than a stray "zero".
    '<scale> = [from] (zero | one) to (five | ten) | on a scale of (zero | one) to (five | ten);',
    answer,
    `<filler> = ${fillers.join(' | ')};`,
    '',
  ].join('\n');
}
