import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractNps, wordsOfText } from '../../src/nps/nps-extractor.js';

/** [answer, expected score or null (no score)] */
const CASES: [string, number | null][] = [
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
  ['I would say six', 6],
  ['Five.', 5],
  ['solid 10!', 10],
  ['out of ten I would say nine', 9],
  ['three', 3],
  ['seven or eight', null],
  ['between seven and eight', null],
  ['7-8', null],
  ['not a nine', null],
  ["I wouldn't give you a ten", null],
  ['nine point five', null],
  ['eight and a half', null],
  ['a hundred percent', null],
  ['eleven', null],
  ['great service thank you', null],
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
  ['четыре', 4],
  ['восьмёрка', 8],
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

describe('NPS score from an answer', () => {
  it(`has at least 40 cases in English and Russian (${CASES.length})`, () => {
    assert.ok(CASES.length >= 40);
    assert.ok(CASES.some(([t]) => /[а-я]/i.test(t)) && CASES.some(([t]) => /[a-z]/i.test(t)));
  });

  for (const [answer, expected] of CASES) {
    it(`${JSON.stringify(answer)} -> ${expected ?? 'no score'}`, () => {
      const result = extractNps(wordsOfText(answer));
      assert.equal(result.score, expected, 'reason' in result ? result.reason : undefined);
    });
  }

  it('keeps the words and their times as evidence', () => {
    const words = [
      { word: 'i', startMs: 160, endMs: 260, confidence: 0.9 },
      { word: 'would', startMs: 270, endMs: 560, confidence: 0.99 },
      { word: 'say', startMs: 570, endMs: 730, confidence: 0.5 },
      { word: 'nine', startMs: 950, endMs: 1430, confidence: 0.1 },
    ];
    const result = extractNps(words);
    assert.equal(result.score, 9);
    assert.ok('evidence' in result);
    assert.deepEqual(result.evidence.words, [words[3]]);
  });

  it('says why there is no score', () => {
    const result = extractNps(wordsOfText('пятёрка'));
    assert.equal(result.score, null);
    assert.ok('reason' in result && /school mark/.test(result.reason));
  });
});
