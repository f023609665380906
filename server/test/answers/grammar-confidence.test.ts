import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BARE_CONFIDENCE,
  CARRIED_CONFIDENCE,
  LAST_SAID_CONFIDENCE,
  grammarConfidence,
} from '../../src/answers/targeted/grammar-confidence.js';
import { readTargetedWords } from '../../src/answers/targeted/targeted-reading.js';
import type { Word } from '../../src/transcription/transcript.js';

/** A grammar decode: words 300 ms apart, "|" a pause of a second. The grammar is English only. */
function decoded(text: string): Word[] {
  const words: Word[] = [];
  let at = 1000;
  for (const token of text.split(' ')) {
    if (token === '|') {
      at += 1000;
      continue;
    }
    words.push({ word: token, startMs: at, endMs: at + 250, confidence: null });
    at += 300;
  }
  return words;
}

const confidenceOf = (text: string, form: 'nps' | 'csat' = 'nps') => {
  const words = decoded(text);
  return readTargetedWords(form, words, grammarConfidence(words, form === 'nps' ? 'ten' : 'five')).confidence;
};

describe('the confidence of a grammar decode (en)', () => {
  it('trusts a number with its whole carrier, slips included', () => {
    assert.equal(confidenceOf('i would say nine out of ten'), CARRIED_CONFIDENCE);
    assert.equal(confidenceOf('nine a out to of ten'), CARRIED_CONFIDENCE);
    assert.equal(confidenceOf('three out of five', 'csat'), CARRIED_CONFIDENCE);
    assert.equal(confidenceOf('i oh would say seven know to of ten'), CARRIED_CONFIDENCE, '"out" lost, "of ten" kept');
  });

  it('does not take "of" alone for a carrier', () => {
    assert.equal(confidenceOf('four of of did what think a to'), BARE_CONFIDENCE);
    assert.equal(confidenceOf('nine of | thank you'), BARE_CONFIDENCE, 'nor "of" without the top');
    assert.equal(confidenceOf('nine a out to of to a me'), CARRIED_CONFIDENCE, '"out … of" may lose the top');
  });

  it('trusts a bare number more when it ends what was said', () => {
    assert.equal(confidenceOf('i would say ten | thank you'), LAST_SAID_CONFIDENCE);
    assert.equal(confidenceOf('i would say ten'), LAST_SAID_CONFIDENCE);
    assert.equal(confidenceOf('well let me think eight to to'), BARE_CONFIDENCE, 'talk goes on after it');
    assert.equal(confidenceOf('eight well let me think eight'), BARE_CONFIDENCE, 'the first eight does not end');
  });
});
