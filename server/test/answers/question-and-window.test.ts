import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wordsOfText } from '../../src/answers/answer-tokens.js';
import { answerWindow, UTTERANCE_GAP_MS } from '../../src/answers/answer-window.js';
import { pressMsOf } from '../../src/answers/press-position.js';
import { findQuestion } from '../../src/answers/question-finder.js';
import { spoken } from './spoken.js';

const RECOMMEND = 'How likely are you to recommend us to a friend?';

describe('finding the question', () => {
  it('matches the question despite recogniser errors (en)', () => {
    const words = spoken(
      { atMs: 1000, text: 'how likely are you to recommend as two a friend' },
      { atMs: 6000, text: 'nine' },
    );
    const found = findQuestion(words, [RECOMMEND], 8000);
    assert.equal(found.heard.heard, true);
    assert.equal(found.heard.matched, RECOMMEND);
    assert.deepEqual(found.heard.span, { startMs: 1000, endMs: 1000 + 9 * 400 + 300 });
    assert.equal(words[found.afterWord]?.word, 'nine', 'the match stops before the answer');
  });

  it('matches a Russian question and a configured cue', () => {
    const words = spoken(
      { atMs: 0, text: 'оцените нас пожалуйста по десятибальной шкале' },
      { atMs: 5000, text: 'восемь' },
    );
    const found = findQuestion(
      words,
      ['Насколько вероятно, что вы нас порекомендуете?', 'по десятибалльной шкале'],
      7000,
    );
    assert.equal(found.heard.matched, 'по десятибалльной шкале');
    assert.equal(words[found.afterWord]?.word, 'восемь');
  });

  it('takes the last asking before the press: an earlier one is a neighbour’s conversation', () => {
    const words = spoken(
      { atMs: 0, text: 'how likely are you to recommend us to a friend' },
      { atMs: 5000, text: 'six' },
      { atMs: 20000, text: 'how likely are you to recommend us to a friend' },
      { atMs: 25000, text: 'ten' },
      { atMs: 40000, text: 'how likely are you to recommend us to a friend' },
    );
    const found = findQuestion(words, [RECOMMEND], 27000);
    assert.equal(found.heard.span?.startMs, 20000);
  });

  it('ends the asking after its scale when a cue inside the question fits better than the whole', () => {
    // The cue fits exactly, the whole question (heard "lightly", "two") less well; the asking still
    // runs to "ten", or the window would start with the scale.
    const question = 'How likely are you to recommend us to a friend, from zero to ten?';
    const words = spoken(
      { atMs: 1000, text: 'how lightly are you two recommend us to a friend from zero to ten' },
      { atMs: 8000, text: 'i would say seven' },
    );
    const found = findQuestion(words, [question, 'recommend us to a friend'], 10000);
    assert.equal(found.heard.matched, 'recommend us to a friend');
    assert.equal(words[found.afterWord]?.word, 'i', 'the asking ends after "ten"');
    assert.equal(found.heard.span?.endMs, 1000 + 13 * 400 + 300);
  });

  it('does not stretch the asking into the answer', () => {
    // A stretch of the whole question starting a word late ("likely … ten i") fits it almost as
    // well as the asking itself; it must not carry the asking's end into the answer.
    const question = 'How likely are you to recommend us to a friend, from zero to ten?';
    const words = spoken(
      { atMs: 1000, text: 'how likely are you recommend us to friend from zero to ten' },
      { atMs: 7000, text: 'seven out of ten' },
    );
    const found = findQuestion(words, [question, 'recommend us to a friend'], 9000);
    assert.equal(words[found.afterWord]?.word, 'seven');
  });

  it('does not hear the question in unrelated talk', () => {
    const words = spoken({ atMs: 0, text: 'two lattes and a croissant please that is all thank you' });
    assert.equal(findQuestion(words, [RECOMMEND, 'from zero to ten'], 10000).heard.heard, false);
  });
});

describe('the answer window', () => {
  it('runs from the end of the question to the press plus the grace', () => {
    const words = spoken(
      { atMs: 0, text: 'how likely are you to recommend us to a friend' },
      { atMs: 5000, text: 'nine' },
      { atMs: 9000, text: 'next please' },
    );
    const found = findQuestion(words, [RECOMMEND], 6000);
    const window = answerWindow(words, found, 6000, 2000);
    assert.deepEqual(window.span, { startMs: 3900, endMs: 8000 });
    assert.deepEqual(
      window.words.map((w) => w.word),
      ['nine'],
    );
  });

  it('without the question, takes the last utterance before the press, extended to the grace', () => {
    const words = spoken(
      { atMs: 0, text: 'three hundred rubles' },
      { atMs: 1200 + UTTERANCE_GAP_MS, text: 'I would say' },
      { atMs: 4000, text: 'eight' },
      { atMs: 7000, text: 'bye' },
    );
    const notHeard = findQuestion(words, [RECOMMEND], 4500);
    const window = answerWindow(words, notHeard, 4500, 2000);
    assert.deepEqual(
      window.words.map((w) => w.word),
      ['eight'],
    );
    assert.deepEqual(window.span, { startMs: 4000, endMs: 6500 });
    const later = answerWindow(words, notHeard, 3500, 2000);
    assert.deepEqual(
      later.words.map((w) => w.word),
      ['I', 'would', 'say', 'eight'],
      'an answer just after the press is within the grace',
    );
  });

  it('cuts a transcript without times by word order', () => {
    const words = wordsOfText('two coffees. would you recommend us? nine');
    const found = findQuestion(words, ['Would you recommend us?'], 60000);
    assert.deepEqual(
      answerWindow(words, found, 60000, 4000).words.map((w) => w.word),
      ['nine'],
    );
    const unheard = findQuestion(words, ['Something else entirely'], 60000);
    assert.equal(answerWindow(words, unheard, 60000, 4000).words.length, words.length);
  });

  it('places the press from the capture frames', () => {
    assert.equal(pressMsOf({ startFrame: 16000, pressFrame: 16000 + 48000, sampleRate: 16000 }), 3000);
    assert.equal(pressMsOf({ startFrame: 1_000_000, pressFrame: 1_000_000 + 44100 * 60, sampleRate: 44100 }), 60000);
  });
});
