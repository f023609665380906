import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnswerReading, DEFAULT_ANSWER_SETTINGS } from '../../src/answers/answer.js';
import { combineReadings, withTargetedReading } from '../../src/answers/combine-readings.js';
import { machineAnswer } from '../support/answers.js';

const word = (w: string) => ({ word: w, startMs: 1000, endMs: 1300, confidence: null });
const transcript = (value: number | null, confidence: number, evidence = value === null ? [] : [word(String(value))]) =>
  ({ source: 'transcript', value, confidence, reason: 'transcript', evidence }) satisfies AnswerReading;
const targeted = (value: number | null, confidence: number, evidence = [word(String(value))]) =>
  ({ source: 'targeted', value, confidence, reason: 'targeted', evidence }) satisfies AnswerReading;
const combine = (...readings: AnswerReading[]) => combineReadings(readings, DEFAULT_ANSWER_SETTINGS, 'nps');

describe('combining the transcript reading and the targeted re-recognition', () => {
  it('agreement raises the confidence', () => {
    const decision = combine(transcript(9, 0.6), targeted(9, 0.6));
    assert.equal(decision.value, 9);
    assert.equal(decision.confidence, 0.84);
    assert.equal(decision.needsReview, false);
  });

  it('disagreement goes to review with no value', () => {
    const decision = combine(transcript(9, 0.95), targeted(5, 0.95));
    assert.equal(decision.value, null);
    assert.equal(decision.needsReview, true);
    assert.match(decision.reason, /contradictory/);
  });

  it('accepts a targeted value alone only when sure and free of filler', () => {
    assert.equal(combine(transcript(null, 0), targeted(9, 0.9)).value, 9, '"mine out of ten" heard as nine');
    assert.equal(combine(transcript(null, 0), targeted(9, 0.6)).value, null);
    assert.equal(combine(transcript(null, 0), targeted(9, 0.95, [word('<sil>'), word('nine')])).value, null);
    assert.equal(combine(transcript(null, 0), targeted(9, 0.95)).needsReview, false);
  });

  it('does not let a targeted value override a transcript that refused on purpose', () => {
    const refused = transcript(null, 0, [word('seven'), word('eight')]);
    const decision = combine(refused, targeted(8, 0.99));
    assert.equal(decision.value, null);
    assert.equal(decision.needsReview, true);
  });

  it('sends to review a transcript value when the targeted pass refused on other numbers of the scale (en)', () => {
    const several = targeted(null, 0, [word('seven'), word('zero'), word('one'), word('eight')]);
    const decision = combine(transcript(2, 0.8), several);
    assert.equal(decision.value, null, '"from zero to any one or two" read as 2');
    assert.equal(decision.needsReview, true);
    assert.match(decision.reason, /heard 7, 0, 1, 8 instead/);
    const withIt = targeted(null, 0, [word('eight'), word('nine')]);
    assert.equal(combine(transcript(9, 0.95), withIt).value, 9, 'a stray number beside the same value');
    const orderNumber = targeted(null, 0, [word('forty')]);
    assert.equal(combine(transcript(3, 0.95), orderNumber).value, 3, '"forty" is no score');
  });

  it('sends to review a transcript value when the targeted pass refused on other numbers of the scale (ru)', () => {
    const several = targeted(null, 0, [word('семь'), word('восемь')]);
    assert.equal(combine(transcript(9, 0.95), several).value, null);
    assert.equal(combine(transcript(8, 0.95), several).value, 8);
    const csat = combineReadings(
      [transcript(3, 0.95), targeted(null, 0, [word('восемь')])],
      DEFAULT_ANSWER_SETTINGS,
      'csat',
    );
    assert.equal(csat.value, 3, '«восемь» is not on the 1–5 scale');
  });

  it('keeps the transcript value, less sure, when the targeted pass hears nothing', () => {
    const decision = combine(transcript(9, 0.95), targeted(null, 0, []));
    assert.equal(decision.value, 9);
    assert.equal(decision.confidence, 0.85);
  });

  it('withholds a value below the review threshold', () => {
    const decision = combine(transcript(9, 0.5));
    assert.equal(decision.value, null);
    assert.equal(decision.needsReview, true);
    assert.match(decision.reason, /withheld/);
  });

  it('replaces an earlier targeted reading and leaves text answers alone', () => {
    const answer = { ...machineAnswer('nps', 9), readings: [transcript(9, 0.95)] };
    const once = withTargetedReading(answer, targeted(5, 0.9), DEFAULT_ANSWER_SETTINGS);
    assert.equal(once.value, null);
    const twice = withTargetedReading(once, targeted(9, 0.9), DEFAULT_ANSWER_SETTINGS);
    assert.equal(twice.value, 9);
    assert.deepEqual(
      twice.readings.map((r) => r.source),
      ['transcript', 'targeted'],
    );
    const text = machineAnswer('text', null);
    assert.equal(withTargetedReading(text, targeted(9, 0.9), DEFAULT_ANSWER_SETTINGS), text);
  });
});
