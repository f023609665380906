import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnswerForm, DEFAULT_ANSWER_SETTINGS } from '../../src/answers/answer.js';
import { type AnswerContext, readAnswer } from '../../src/answers/read-answer.js';
import { endOf, type Line, spoken } from './spoken.js';

const NPS_EN = 'How likely are you to recommend us to a friend?';
const NPS_RU = 'Насколько вероятно, что вы порекомендуете нас друзьям?';

function context(
  form: AnswerForm,
  language: string,
  pressMs: number,
  en = NPS_EN,
  ru: string | null = NPS_RU,
): AnswerContext {
  return { form, language, questionText: { en, ru }, settings: DEFAULT_ANSWER_SETTINGS, pressMs };
}

/** A conversation and the press 1 s after the customer's answer ends. */
function conversation(lines: Line[], answer: Line) {
  return { words: spoken(...lines, answer), pressMs: endOf(answer) + 1000 };
}

describe('reading an answer from a whole conversation', () => {
  it('reads the nine after the question, ignoring the price before it and the scale in it (en)', () => {
    const { words, pressMs } = conversation(
      [
        { atMs: 1000, text: 'that is three hundred rubles please' },
        { atMs: 5000, text: 'how likely are you to recommend us to a friend from zero to ten' },
      ],
      { atMs: 11000, text: 'I would say nine' },
    );
    const answer = readAnswer(words, context('nps', 'en-US', pressMs));
    assert.equal(answer.value, 9, answer.reason);
    assert.equal(answer.needsReview, false);
    assert.equal(answer.question.heard, true);
    assert.deepEqual(
      answer.evidence.map((w) => w.word),
      ['nine'],
    );
    assert.ok(answer.window.startMs >= 5000 && answer.window.endMs === pressMs + DEFAULT_ANSWER_SETTINGS.graceMs);
  });

  it('ignores an order number and change after the press (en)', () => {
    const { words, pressMs } = conversation([{ atMs: 1000, text: 'how likely are you to recommend us to a friend' }], {
      atMs: 5000,
      text: 'eight',
    });
    const later = spoken({ atMs: pressMs + 500, text: 'order number forty two your change is two dollars' });
    const answer = readAnswer([...words, ...later], context('nps', 'en', pressMs));
    assert.equal(answer.value, 8, answer.reason);
  });

  it('reads a Russian answer with «рублей» before the question and the scale in it', () => {
    const { words, pressMs } = conversation(
      [
        { atMs: 0, text: 'с вас четыреста пятьдесят рублей' },
        { atMs: 4000, text: 'насколько вероятно что вы порекомендуете нас друзьям от нуля до десяти' },
      ],
      { atMs: 10000, text: 'ну я бы поставил восемь' },
    );
    const answer = readAnswer(words, context('nps', 'ru-RU', pressMs));
    assert.equal(answer.value, 8, answer.reason);
    assert.equal(answer.question.heard, true);
  });

  it('without the question, reads the last utterance before the press and trusts it less', () => {
    const { words, pressMs } = conversation([{ atMs: 0, text: 'two coffees please' }], { atMs: 4000, text: 'nine' });
    const answer = readAnswer(words, context('nps', 'en', pressMs));
    assert.equal(answer.question.heard, false);
    assert.equal(answer.value, 9, answer.reason);
    assert.ok(answer.confidence < 0.95);
    assert.equal(answer.window.startMs, 4000);
  });

  it('takes an answer said just after the press, within the grace', () => {
    const question = { atMs: 0, text: 'how likely are you to recommend us to a friend' };
    const words = spoken(question, { atMs: endOf(question) + 2500, text: 'seven' });
    const answer = readAnswer(words, context('nps', 'en', endOf(question) + 1000));
    assert.equal(answer.value, 7, answer.reason);
  });

  it('sends a range to review with no value', () => {
    const { words, pressMs } = conversation([{ atMs: 0, text: 'how likely are you to recommend us to a friend' }], {
      atMs: 5000,
      text: 'seven or eight',
    });
    const answer = readAnswer(words, context('nps', 'en', pressMs));
    assert.equal(answer.value, null);
    assert.equal(answer.needsReview, true);
    assert.match(answer.reason, /ambiguous/);
  });

  it('reads «пятёрка» as 5 on a CSAT question', () => {
    const { words, pressMs } = conversation([{ atMs: 0, text: 'как вы оцените обслуживание от одного до пяти' }], {
      atMs: 5000,
      text: 'твёрдая пятёрка',
    });
    const answer = readAnswer(
      words,
      context('csat', 'ru', pressMs, 'How would you rate us?', 'Как вы оцените обслуживание?'),
    );
    assert.equal(answer.value, 5, answer.reason);
  });

  it('reads a yes', () => {
    const { words, pressMs } = conversation([{ atMs: 0, text: 'would you come back to us' }], {
      atMs: 3000,
      text: 'yes of course',
    });
    const answer = readAnswer(words, context('yes_no', 'en', pressMs, 'Would you come back to us?', null));
    assert.equal(answer.value, 1, answer.reason);
  });

  it('gives a complaint the words of its window as the answer text', () => {
    const { words, pressMs } = conversation([{ atMs: 0, text: 'anything we could improve' }], {
      atMs: 3000,
      text: 'the queue was far too long',
    });
    const answer = readAnswer(words, context('text', 'en', pressMs, 'Anything we could improve?', null));
    assert.equal(answer.text, 'the queue was far too long');
    assert.equal(answer.value, null);
    assert.equal(answer.needsReview, false);
  });

  it('marks a window with nothing said for review', () => {
    const answer = readAnswer([], context('nps', 'en', 60000));
    assert.equal(answer.value, null);
    assert.equal(answer.needsReview, true);
    assert.equal(answer.question.heard, false);
  });
});
