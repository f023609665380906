import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenize, wordsOfText } from '../../src/answers/answer-tokens.js';
import { readYesNo } from '../../src/answers/yes-no-reader.js';

const read = (text: string) =>
  readYesNo(tokenize(wordsOfText(text)), { questionHeard: true, untimed: true, pressMs: 0 });

/** [answer window, 1 (yes), 0 (no) or null (no value)] */
const CASES: [string, 1 | 0 | null][] = [
  ['yes', 1],
  ['yeah sure', 1],
  ['of course', 1],
  ['definitely', 1],
  ['yes, no problem', 1],
  ['no doubt', 1],
  ['no', 0],
  ['nope', 0],
  ['of course not', 0],
  ['definitely not', 0],
  ["I don't think so", 0],
  ['not really', 0],
  ['not at all', 0],
  ['да', 1],
  ['да, конечно', 1],
  ['ага', 1],
  ['нет', 0],
  ['конечно нет', 0],
  ['не думаю', 0],
  ['никогда', 0],
  ['not sure', null],
  ["I don't know", null],
  ['maybe', null],
  ['не знаю', null],
  ['не обязательно', null],
  ['yes... no', null],
  ['да нет наверное', null],
  ['thanks', null],
];

describe('reading yes or no', () => {
  for (const [text, expected] of CASES) {
    it(`${JSON.stringify(text)} -> ${expected ?? 'no value'}`, () => {
      const reading = read(text);
      assert.equal(reading.value, expected, reading.reason);
    });
  }

  it('trusts a hedged yes less', () => {
    assert.ok(read('maybe yes').confidence < read('yes').confidence);
  });
});
