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
/** The transcript heard nothing at the time of the targeted evidence; the press after it. */
const HEARD = { words: [], pressMs: 5000 };
const combine = (...readings: AnswerReading[]) => combineReadings(readings, DEFAULT_ANSWER_SETTINGS, 'nps', HEARD);

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

  it('sends to review a transcript value when the targeted pass heard any other number (en)', () => {
    const several = targeted(null, 0, [word('seven'), word('zero'), word('one'), word('eight')]);
    const decision = combine(transcript(2, 0.8), several);
    assert.equal(decision.value, null, '"from zero to any one or two" read as 2');
    assert.equal(decision.needsReview, true);
    assert.match(decision.reason, /heard 7, 0, 1, 8 instead/);
    const withIt = targeted(null, 0, [word('one'), word('five')]);
    assert.equal(
      combine(transcript(1, 0.95), withIt).value,
      null,
      '"one or two" heard as "one one", the decode 1 and 5',
    );
    const offScale = targeted(null, 0, [word('thirty')]);
    assert.equal(combine(transcript(0, 0.95), offScale).value, null, 'a number off the scale is still another number');
  });

  it('keeps a transcript value said before the press against numbers the decode heard after it', () => {
    const at = (w: string, startMs: number) => ({ word: w, startMs, endMs: startMs + 300, confidence: null });
    const said = { ...transcript(5, 0.95), evidence: [at('five', 4000)] };
    const orderNumber = targeted(null, 0, [at('eight', 6000), at('forty', 7000)]);
    assert.equal(combine(said, orderNumber).value, 5, '"thank you" heard as "eight", then the order number');
    const before = targeted(null, 0, [at('eight', 3000), at('five', 4000)]);
    assert.equal(combine(said, before).value, null, 'another number before the press still counts');
    const late = { ...transcript(5, 0.95), evidence: [at('five', 5500)] };
    assert.equal(combine(late, orderNumber).value, null, 'an answer after the press has no such shelter');
  });

  it('sends to review a transcript value when the targeted pass heard other numbers (ru)', () => {
    const several = targeted(null, 0, [word('семь'), word('восемь')]);
    assert.equal(combine(transcript(9, 0.95), several).value, null);
    assert.equal(combine(transcript(8, 0.95), targeted(null, 0, [word('восемь')])).value, 8);
    const csat = combineReadings(
      [transcript(3, 0.95), targeted(null, 0, [word('восемь')])],
      DEFAULT_ANSWER_SETTINGS,
      'csat',
      HEARD,
    );
    assert.equal(csat.value, null, '«восемь» where the transcript heard 3');
  });

  it('keeps the transcript value, less sure, when the targeted pass heard words but no number', () => {
    const decision = combine(transcript(9, 0.95), { ...targeted(null, 0, []), decoded: 'i would say' });
    assert.equal(decision.value, 9);
    assert.equal(decision.confidence, 0.85);
  });

  it('sends to review a transcript value when the targeted pass heard no words at all', () => {
    const decision = combine(transcript(5, 0.95), { ...targeted(null, 0, []), decoded: '' });
    assert.equal(decision.value, null, 'at 10 dB the transcript heard "five" in noise the decode could not follow');
    assert.match(decision.reason, /no words in the window/);
  });

  it('refuses a targeted value alone where the transcript heard a word nearer another number', () => {
    const at = (w: string) => ({ word: w, startMs: 1000, endMs: 1300, confidence: null });
    const heard = (words: string[]) => ({ ...HEARD, words: words.map(at) });
    const read = (value: number, words: string[]) =>
      combineReadings([transcript(null, 0), targeted(value, 0.9)], DEFAULT_ANSWER_SETTINGS, 'nps', heard(words)).value;
    assert.equal(read(9, ['mine']), 9, '"mine" could be nine');
    assert.equal(read(5, ['far']), null, '"far" is nearer four than five');
    assert.equal(read(8, ['did']), null, '"did" is nearer ten than eight');
    assert.equal(read(8, []), 8, 'the transcript heard nothing there');
  });

  it('accepts a bare targeted value alone where the transcript heard the carrier right after it', () => {
    // "mine out of ten": the grammar decode heard a bare "nine" (its "out of" lost), the full
    // decode the carrier after a sound-alike.
    const words = [
      { word: 'mine', startMs: 1000, endMs: 1300, confidence: null },
      { word: 'out', startMs: 1310, endMs: 1500, confidence: null },
      { word: 'of', startMs: 1510, endMs: 1600, confidence: null },
      { word: 'ten', startMs: 1610, endMs: 1900, confidence: null },
    ];
    const read = (value: number, heard: typeof words, form: 'nps' | 'csat' = 'nps') =>
      combineReadings([transcript(null, 0), targeted(value, 0.75)], DEFAULT_ANSWER_SETTINGS, form, {
        words: heard,
        pressMs: 5000,
      });
    const nine = read(9, words);
    assert.equal(nine.value, 9, nine.reason);
    assert.equal(nine.confidence, 0.9);
    assert.match(nine.reason, /"out of ten" right after/);
    assert.equal(read(9, words.slice(0, 1)).value, null, 'no carrier: a bare number does not stand alone');
    assert.equal(read(4, words, 'csat').value, null, '"out of ten" is not the carrier of a 1–5 scale');
    const later = words.map((w, i) => (i === 0 ? w : { ...w, startMs: w.startMs + 1000, endMs: w.endMs + 1000 }));
    assert.equal(read(9, later).value, null, 'a carrier a second later belongs to something else');
    const far = [{ ...words[0], word: 'far' }, ...words.slice(1)] as typeof words;
    assert.equal(read(5, far).value, null, 'the carrier does not outweigh a word nearer another number');
  });

  it('withholds a value below the review threshold', () => {
    const decision = combine(transcript(9, 0.5));
    assert.equal(decision.value, null);
    assert.equal(decision.needsReview, true);
    assert.match(decision.reason, /withheld/);
  });

  it('replaces an earlier targeted reading and leaves text answers alone', () => {
    const answer = { ...machineAnswer('nps', 9), readings: [transcript(9, 0.95)] };
    const once = withTargetedReading(answer, targeted(5, 0.9), DEFAULT_ANSWER_SETTINGS, []);
    assert.equal(once.value, null);
    const twice = withTargetedReading(once, targeted(9, 0.9), DEFAULT_ANSWER_SETTINGS, []);
    assert.equal(twice.value, 9);
    assert.deepEqual(
      twice.readings.map((r) => r.source),
      ['transcript', 'targeted'],
    );
    const text = machineAnswer('text', null);
    assert.equal(withTargetedReading(text, targeted(9, 0.9), DEFAULT_ANSWER_SETTINGS, []), text);
  });
});
