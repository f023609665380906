import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenize, wordsOfText } from '../../src/answers/answer-tokens.js';
import type { ReadingCircumstances } from '../../src/answers/reading-confidence.js';
import { CSAT_SCALE, NPS_SCALE, readScale, type Scale } from '../../src/answers/scale-reader.js';

const HEARD: ReadingCircumstances = { questionHeard: true, untimed: true, pressMs: 0 };
const read = (answer: string, scale: Scale = NPS_SCALE) => readScale(tokenize(wordsOfText(answer)), scale, HEARD);

/** [answer window, expected NPS or null (no value)] */
const NPS_CASES: [string, number | null][] = [
  // English
  ['nine', 9],
  ["I'd give you an eight", 8],
  ['I would give you a nine', 9],
  ['ten out of ten', 10],
  ['definitely a ten', 10],
  ['9', 9],
  ['8/10', 8],
  ['maybe a seven, the queue was long', 7],
  ['zero, the staff were rude', 0],
  ['Five.', 5],
  ['solid 10!', 10],
  ['out of ten I would say nine', 9],
  ['on a scale of one to ten I would say six', 6],
  ['from zero to ten? hmm, let me think, eight', 8],
  ['I waited ten minutes but nine', 9],
  ['eight, and two coffees please', 8],
  ['nine points', 9],
  ['seven, thank you, one more thing', 7],
  ["I don't know, maybe eight", 8],
  ['seven or eight', null],
  ['between seven and eight', null],
  ['7-8', null],
  ['eight, no, nine', null],
  ['not a nine', null],
  ["I wouldn't give you a ten", null],
  ['nine point five', null],
  ['eight and a half', null],
  ['a hundred percent', null],
  ['eleven', null],
  ['great service thank you', null],
  ["I'd rather not say", null],
  ['this one was fine, nine', 9],
  ['nine, nine, definitely nine', 9],
  // Russian
  ['девять', 9],
  ['на восемь', 8],
  ['8 из 10', 8],
  ['десятка', 10],
  ['твёрдая десятка', 10],
  ['ставлю девятку', 9],
  ['восемь из десяти', 8],
  ['десять из десяти', 10],
  ['ну наверное семь', 7],
  ['ноль', 0],
  ['на шесть баллов', 6],
  ['Пять, очередь была большая', 5],
  ['от нуля до десяти я бы поставил девять', 9],
  ['ждал двадцать минут, но восемь', 8],
  ['восьмёрка', 8],
  ['не знаю, семь', 7],
  ['пятёрка', null],
  ['на пятерку', null],
  ['семь или восемь', null],
  ['от семи до восьми', null],
  ['не восемь', null],
  ['точно не десять', null],
  ['восемь с половиной', null],
  ['на все сто', null],
  ['спасибо, всё понравилось', null],
  ['девять, девять', 9],
];

const CSAT_CASES: [string, number | null][] = [
  ['five stars', 5],
  ['I would say four out of five', 4],
  ['from one to five, three', 3],
  ['ten', null],
  ['four or five', null],
  ['пятёрка', 5],
  ['твёрдая четвёрка', 4],
  ['на пять из пяти', 5],
  ['от одного до пяти четыре', 4],
  ['на десять', null],
];

describe('reading a value on a scale', () => {
  for (const [answer, expected] of NPS_CASES) {
    it(`NPS ${JSON.stringify(answer)} -> ${expected ?? 'no value'}`, () => {
      const reading = read(answer);
      assert.equal(reading.value, expected, reading.reason);
    });
  }
  for (const [answer, expected] of CSAT_CASES) {
    it(`CSAT ${JSON.stringify(answer)} -> ${expected ?? 'no value'}`, () => {
      const reading = read(answer, CSAT_SCALE);
      assert.equal(reading.value, expected, reading.reason);
    });
  }

  it('keeps the words and their times as evidence', () => {
    const words = [
      { word: 'i', startMs: 160, endMs: 260, confidence: 0.9 },
      { word: 'would', startMs: 270, endMs: 560, confidence: 0.99 },
      { word: 'say', startMs: 570, endMs: 730, confidence: 0.9 },
      { word: 'nine', startMs: 950, endMs: 1430, confidence: 0.9 },
    ];
    const reading = readScale(tokenize(words), NPS_SCALE, { questionHeard: true, untimed: false, pressMs: 2000 });
    assert.equal(reading.value, 9);
    assert.deepEqual(reading.evidence, [words[3]]);
  });

  it('refuses with the words that made it refuse, and says why', () => {
    const reading = read('пятёрка');
    assert.equal(reading.value, null);
    assert.match(reading.reason, /school mark/);
    assert.deepEqual(
      reading.evidence.map((w) => w.word),
      ['пятёрка'],
    );
    assert.deepEqual(read('great service').evidence, [], 'nothing like an answer: no evidence');
  });

  it('trusts a hedged answer, an unheard question and an answer after the press less', () => {
    const sure = read('nine').confidence;
    assert.ok(read('maybe nine').confidence < sure);
    const unheard = readScale(tokenize(wordsOfText('nine')), NPS_SCALE, { ...HEARD, questionHeard: false });
    assert.ok(unheard.confidence < sure);
    const late = [{ word: 'nine', startMs: 1100, endMs: 1400, confidence: null }];
    assert.ok(readScale(tokenize(late), NPS_SCALE, { ...HEARD, untimed: false, pressMs: 1000 }).confidence < sure);
  });
});
