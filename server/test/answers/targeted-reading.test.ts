import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTargetedWords } from '../../src/answers/targeted/targeted-reading.js';
import type { Word } from '../../src/transcription/transcript.js';

const timed = (text: string): Word[] =>
  text.split(' ').map((word, i) => ({ word, startMs: 1000 + i * 300, endMs: 1250 + i * 300, confidence: null }));

describe('reading a targeted decode', () => {
  it('drops the question scale as a grammar decode hears it ("from zero to to") and reads the answer', () => {
    const reading = readTargetedWords(
      'nps',
      timed('and from zero uh to to a let me think the nine out of ten'),
      () => 0.9,
    );
    assert.equal(reading.source, 'targeted');
    assert.equal(reading.value, 9);
    assert.equal(reading.confidence, 0.9);
  });

  it("drops what the decode heard before the scale: the question's tail, not the answer", () => {
    const reading = readTargetedWords('nps', timed('eight from zero uh did to a and i oh what so a three'), () => 0.85);
    assert.equal(reading.value, 3, 'the question\'s "friend" heard as "eight" before its scale');
  });

  it('refuses a range and a refusal with the transcript rules', () => {
    assert.equal(readTargetedWords('nps', timed('seven or eight'), () => 0.9).value, null);
    assert.equal(readTargetedWords('nps', timed("i don't know a the"), () => 0.9).value, null);
    assert.equal(readTargetedWords('yes_no', timed('yes i did'), () => 0.75).value, 1);
  });
});
