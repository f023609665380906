import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenize, wordsOfText } from '../../src/answers/answer-tokens.js';
import { exclusionOf } from '../../src/answers/number-exclusions.js';
import { spokenNumbers } from '../../src/answers/spoken-numbers.js';

/** The numbers of a text, each with why it is not an answer (undefined: it may be one). */
function classify(text: string): [number, string | undefined][] {
  const tokens = tokenize(wordsOfText(text));
  const numbers = spokenNumbers(tokens);
  return numbers.map((n, i) => [n.value, exclusionOf(tokens, numbers, i)]);
}

/** [text, the value that may be the answer, or null when every number is excluded, and the kind of exclusion] */
const CASES: [string, number | null, RegExp][] = [
  // the scale
  ['from zero to ten, nine', 9, /scale/],
  // noise took the scale's top: its bottom is still no answer
  ['from zero to tune', null, /opens the scale/],
  ['от нуля до дести', null, /opens the scale/],
  ['on a scale of one to ten I would say six', 6, /scale/],
  ['nine out of ten', 9, /scale/],
  ['8/10', 8, /scale/],
  ['от нуля до десяти восемь', 8, /scale/],
  ['по шкале от одного до десяти семь', 7, /scale/],
  ['восемь из десяти', 8, /scale/],
  ['four out of five', 4, /scale/],
  ['zero being not at all likely and ten being extremely likely, eight', 8, /explains the scale/],
  ['where ten is the best, nine', 9, /explains the scale/],
  ['ноль это совсем нет, десять это точно да, семь', 7, /explains the scale/],
  // amounts with a unit
  ['that is three hundred rubles', null, /amount/],
  ['five dollars', null, /amount/],
  ['$5', null, /amount/],
  ['it took ten minutes', null, /amount/],
  ['a hundred percent', null, /amount/],
  ['50%', null, /amount/],
  ['с вас четыреста пятьдесят рублей', null, /amount/],
  ['ждали двадцать минут', null, /amount/],
  ['скидка десять процентов', null, /amount/],
  ['three fifty', null, /amount/],
  // counted things
  ['two coffees please', null, /counts/],
  ['two lattes', null, /counts/],
  ['две чашки кофе', null, /counts/],
  ['три круассана', null, /counts/],
  // order, table and phone numbers
  ['order number forty two', null, /order/],
  ['table seven', null, /order/],
  ['five five five one two three four', null, /phone/],
  ['заказ номер семь', null, /order/],
  ['столик три', null, /order/],
];

describe('numbers that are not answers', () => {
  for (const [text, answer, why] of CASES) {
    it(`${JSON.stringify(text)}: ${answer ?? 'nothing'} may be the answer`, () => {
      const numbers = classify(text);
      const kept = numbers.filter(([, reason]) => reason === undefined).map(([value]) => value);
      assert.deepEqual(kept, answer === null ? [] : [answer], JSON.stringify(numbers));
      assert.ok(
        numbers.some(([, reason]) => reason !== undefined && why.test(reason)),
        JSON.stringify(numbers),
      );
    });
  }

  it('keeps a score with its unit: "nine points", "five stars", «шесть баллов»', () => {
    for (const text of ['nine points', 'five stars', 'шесть баллов']) {
      assert.deepEqual(
        classify(text).map(([, reason]) => reason),
        [undefined],
        text,
      );
    }
  });

  it('reads compounds as one number', () => {
    const values = (text: string) => spokenNumbers(tokenize(wordsOfText(text))).map((n) => n.value);
    assert.deepEqual(values('three hundred and fifty'), [350]);
    assert.deepEqual(values('twenty five'), [25]);
    assert.deepEqual(values('двести пятьдесят'), [250]);
    assert.deepEqual(values('seven eight'), [7, 8], 'a range stays two numbers');
    assert.deepEqual(values('nine nine'), [9, 9], 'a repetition stays two numbers');
  });
});
