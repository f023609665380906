import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rescaled, voteNumbers } from '../../src/answers/targeted/decode-variants.js';

const at = (word: string, startMs: number) => ({ word, startMs, endMs: startMs + 300, confidence: null });

describe('the vote of the decode variants', () => {
  it('sets aside a number most decodes did not hear, and keeps the one they did', () => {
    // "Oh, nine.": the first decode hears a stray "eight" in the breath before it.
    const first = [at('eight', 0), at('go', 400), at('on', 800), at('nine', 1200)];
    const faster = [at('that', 0), at('go', 400), at('what', 800), at('nine', 1250)];
    const slower = [at('go', 380), at('oh', 800), at('nine', 1150)];
    const voted = voteNumbers(first, [faster, slower]);
    assert.deepEqual(
      voted.words.map((w) => w.word),
      ['go', 'on', 'nine'],
    );
    assert.deepEqual(
      voted.dropped.map((w) => w.word),
      ['eight'],
    );
  });

  it('keeps a number half or more of the decodes heard at about the same time', () => {
    const first = [at('i', 0), at('would', 300), at('eight', 900), at('four', 1400)];
    const voted = voteNumbers(first, [[at('eight', 1000), at('four', 1450)], [at('four', 1400)]]);
    assert.deepEqual(
      voted.words.map((w) => w.word),
      ['i', 'would', 'eight', 'four'],
      'two of three heard "eight": it stays, and the reader sees two numbers',
    );
  });

  it('counts a number only where it was heard: the same word a second away is another word', () => {
    const first = [at('seven', 0)];
    const voted = voteNumbers(first, [[at('seven', 2000)], [at('seven', 2000)]]);
    assert.deepEqual(voted.dropped, first);
  });

  it('leaves every other word as the first decode heard it', () => {
    const first = [at('out', 0), at('of', 300), at('forty', 600)];
    const voted = voteNumbers(first, [[], []]);
    assert.deepEqual(
      voted.words.map((w) => w.word),
      ['out', 'of'],
    );
    assert.deepEqual(
      voted.dropped.map((w) => w.word),
      ['forty'],
      '"forty" is a number word too',
    );
  });

  it('maps a variant’s times back onto the window', () => {
    const [word] = rescaled([at('nine', 1000)], { name: 'slower', effect: ['tempo', '0.9'], timeScale: 0.9 });
    assert.deepEqual(word, { word: 'nine', startMs: 900, endMs: 1170, confidence: null });
  });
});
