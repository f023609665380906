import { type Token, textAt } from './answer-tokens.js';
import type { SpokenNumber } from './spoken-numbers.js';

/**
 * Numbers in an answer window that are not the answer, in English and Russian. Counter talk is
 * full of them: the question's own scale, prices, quantities, waiting times, order and table
 * numbers. Each rule looks only at the words right around the number.
 */

/** Units that make a number an amount: money, time, percent, weight and volume. */
const UNITS = new Set(
  [
    ['dollar', 'dollars', 'bucks', 'buck', 'cents', 'cent', 'pounds', 'pound', 'quid', 'pence', 'euro', 'euros'],
    ['rubles', 'ruble', 'roubles', 'rouble', 'рублей', 'рубля', 'рубль', 'руб', 'р', 'копеек', 'копейки'],
    ['евро', 'долларов', 'доллара', 'percent', 'процентов', 'процента', 'процент'],
    ['minutes', 'minute', 'mins', 'min', 'seconds', 'second', 'secs', 'sec', 'hours', 'hour', "o'clock"],
    ['days', 'day', 'weeks', 'week', 'months', 'years', 'минут', 'минуты', 'минуту', 'мин', 'секунд', 'секунды'],
    ['часов', 'часа', 'час', 'дней', 'дня', 'день', 'недели', 'недель', 'лет', 'года'],
    ['grams', 'kilos', 'litres', 'liters', 'ml', 'грамм', 'граммов', 'килограмм', 'литра', 'литров'],
  ].flat(),
);

/** Things counted at a counter: "two coffees", «две чашки». */
const COUNTED = new Set(
  [
    ['coffee', 'coffees', 'latte', 'lattes', 'tea', 'teas', 'cappuccino', 'cappuccinos', 'espresso', 'espressos'],
    ['cup', 'cups', 'croissant', 'croissants', 'muffin', 'muffins', 'sandwich', 'sandwiches', 'bag', 'bags'],
    ['item', 'items', 'piece', 'pieces', 'bottle', 'bottles', 'people', 'persons', 'kids', 'children', 'times'],
    ['кофе', 'латте', 'капучино', 'эспрессо', 'чая', 'чай', 'чашки', 'чашек', 'чашку', 'стакана', 'стаканов'],
    ['круассана', 'круассанов', 'пирожка', 'пирожков', 'булочки', 'булочек', 'пакета', 'пакетов', 'пакет'],
    ['штуки', 'штук', 'штуку', 'бутылки', 'бутылок', 'порции', 'порций', 'человек', 'человека', 'раза', 'раз'],
  ].flat(),
);

/** Words after a number that a score may carry: "nine points", "five stars", «на шесть баллов». */
const SCORE_UNITS = new Set(['points', 'point', 'stars', 'star', 'баллов', 'балла', 'балл', 'звезд', 'звезды']);

/** English words ending in s after a number that are not counted things. */
const NOT_PLURALS = new Set(
  ['thanks', 'this', 'is', 'was', 'yes', 'us', 'as', 'has', 'does', 'plus', 'guess', 'always', 'perhaps'].concat([
    'unless',
    'its',
    "it's",
    "let's",
    "that's",
    "what's",
  ]),
);

/** Words naming a number that identifies something rather than rates it. */
const IDENTIFIERS = new Set(
  [
    ['order', 'table', 'number', 'ticket', 'receipt', 'phone', 'room', 'till', 'counter', 'code', 'card', 'pin'],
    ['lane', 'заказ', 'заказа', 'номер', 'номера', 'столик', 'столика', 'стол', 'стола', 'телефон', 'телефона'],
    ['чек', 'чека', 'касса', 'кассы', 'код', 'карта', 'карты'],
  ].flat(),
);

const SCALE_TOPS = new Set([5, 10, 100]);
const SCALE_TO = new Set(['to', 'до', 'through', 'по']);

/** Why a number is not an answer, or undefined when it may be one. */
export function exclusionOf(tokens: readonly Token[], numbers: readonly SpokenNumber[], n: number): string | undefined {
  const number = numbers[n] as SpokenNumber;
  const before = textAt(tokens, number.start - 1);
  const before2 = textAt(tokens, number.start - 2);
  const after = textAt(tokens, number.end);
  const quoted = tokens
    .slice(number.start, number.end)
    .map((t) => t.text)
    .join(' ');
  // The scale: "out of ten", "of 10", "8/10", «из десяти», "on a scale of one to ten".
  if (SCALE_TOPS.has(number.value) && (before === 'of' || before === 'из')) return `"${quoted}" is the scale`;
  const previous = numbers[n - 1];
  const next = numbers[n + 1];
  if (isScaleRange(tokens, number, next) || (previous && isScaleRange(tokens, previous, number))) {
    return `"${quoted}" is part of the scale`;
  }
  if (after === 'point' && textAt(tokens, number.end + 1) === 'scale') return `"${quoted}" is the scale`;
  // The scale's bottom even when its top was misheard ("from zero to tune" in noise).
  if ((number.value === 0 || number.value === 1) && (before === 'from' || before === 'от') && SCALE_TO.has(after)) {
    return `"${quoted}" opens the scale`;
  }
  if (isScaleAnchor(number.value, after, textAt(tokens, number.end + 1))) return `"${quoted}" explains the scale`;
  // An amount: "three hundred rubles", "ten minutes", "50%", "$5".
  if (UNITS.has(after) || (after === 'per' && textAt(tokens, number.end + 1) === 'cent')) {
    return `"${quoted} ${after}" is an amount`;
  }
  const sign = tokens[number.start - 1];
  if (sign && UNITS.has(sign.text) && sign.word === tokens[number.start]?.word) {
    return `"${sign.word.word}" is an amount`;
  }
  // Counted things: "two coffees", «две чашки».
  if (!SCORE_UNITS.has(after) && (COUNTED.has(after) || isEnglishPlural(after))) {
    return `"${quoted} ${after}" counts things`;
  }
  // Order, table and phone numbers.
  if (IDENTIFIERS.has(before) || IDENTIFIERS.has(before2)) return `"${quoted}" is an order, table or phone number`;
  if (number.parts >= 4) return `"${quoted}" is a phone or order number`;
  if (number.value > 10 && number.parts > 1) return `"${quoted}" is an amount`;
  return undefined;
}

/** "from zero to ten", "one to five", "1-10", «от нуля до десяти»: a bottom of 0 or 1 and a top of 5 or 10. */
function isScaleRange(tokens: readonly Token[], low: SpokenNumber, high: SpokenNumber | undefined): boolean {
  if (!high || (low.value !== 0 && low.value !== 1) || (high.value !== 5 && high.value !== 10)) return false;
  const between = tokens.slice(low.end, high.start).map((t) => t.text);
  return between.length === 0 || (between.length === 1 && SCALE_TO.has(between[0] as string));
}

/** "zero being not at all likely", "ten is the best", «десять — это отлично»: the question explaining its scale. */
function isScaleAnchor(value: number, after: string, next: string): boolean {
  if (![0, 1, 5, 10].includes(value)) return false;
  if (after === 'being' || after === 'это' || after === 'означает') return true;
  return (after === 'is' || after === 'means') && SCALE_WORDS.has(next);
}

const SCALE_WORDS = new Set(['not', 'the', 'extremely', 'very', 'best', 'worst', 'lowest', 'highest', 'definitely']);

function isEnglishPlural(word: string): boolean {
  return /^[a-z]{3,}s$/.test(word) && !word.endsWith('ss') && !NOT_PLURALS.has(word);
}
