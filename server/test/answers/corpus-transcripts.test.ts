import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAnswer } from '../../src/answers/read-answer.js';
import { englishCases } from '../support/answer-corpus/cases-en.js';
import { russianCases } from '../support/answer-corpus/cases-ru.js';
import { scriptedTiming } from '../support/answer-corpus/corpus-case.js';
import { contextOf, describeMisses, scoreCorpus } from '../support/answer-corpus/score-corpus.js';

/** Path (a) of issue #12: ground-truth transcripts (word times from the script) through the reader. */
function readCorpus(cases: ReturnType<typeof englishCases>) {
  return scoreCorpus(
    cases.map((c) => {
      const timed = scriptedTiming(c);
      return { case: c, answer: readAnswer(timed.words, contextOf(c, timed.pressMs)) };
    }),
  );
}

describe('the answer corpus, read from ground-truth transcripts', () => {
  for (const [language, cases] of [
    ['English', englishCases()],
    ['Russian', russianCases()],
  ] as const) {
    it(`${language}: no wrong value, and at least 95 % of the answers found`, () => {
      assert.ok(cases.length >= (language === 'English' ? 60 : 40), `${cases.length} cases`);
      const score = readCorpus(cases);
      const misses = describeMisses(score).join('\n');
      assert.equal(score.precision, 100, misses);
      assert.ok(score.recall >= 95, `recall ${score.recall.toFixed(1)} %\n${misses}`);
    });
  }
});
