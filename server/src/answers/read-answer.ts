import type { Word } from '../transcription/transcript.js';
import type { AnswerForm, AnswerReading, AnswerSettings, MachineAnswer } from './answer.js';
import { tokenize, untimed } from './answer-tokens.js';
import { answerWindow } from './answer-window.js';
import { combineReadings } from './combine-readings.js';
import { DEFAULT_CUES } from './default-cues.js';
import { findQuestion } from './question-finder.js';
import type { ReadingCircumstances } from './reading-confidence.js';
import { CSAT_SCALE, NPS_SCALE, readScale } from './scale-reader.js';
import { readYesNo } from './yes-no-reader.js';
import { primaryLanguage } from '../transcription/language-tag.js';

/** What the reader needs to know about the clip besides its words. */
export interface AnswerContext {
  form: AnswerForm;
  /** The store's language (BCP 47): picks the cue phrases. */
  language: string;
  /** The question's texts; staff may ask in either language. */
  questionText: { en: string | null; ru: string | null };
  settings: AnswerSettings;
  /** The press, in ms from the clip's start (answers/press-position.ts). */
  pressMs: number;
}

/**
 * Reads a clip's answer from its transcript: finds the question, cuts the answer window around
 * the press, and reads the window with the form's reader. Pure: the same words and context give
 * the same answer, which is what lets stored transcripts be read again.
 */
export function readAnswer(words: readonly Word[], context: AnswerContext): MachineAnswer {
  const { form, settings, pressMs } = context;
  const found = findQuestion(words, questionPhrases(context), pressMs);
  const window = answerWindow(words, found, pressMs, settings.graceMs);
  const text = window.words.map((w) => w.word).join(' ');
  const base = { form, text, window: window.span, pressMs, question: found.heard };
  if (form === 'text') {
    const said = window.words.length > 0;
    return {
      ...base,
      value: null,
      confidence: said ? 1 : 0,
      needsReview: !said,
      reason: said ? 'the words said in the answer window' : 'no words in the answer window',
      evidence: window.words,
      readings: [],
    };
  }
  const reading = readForm(form, window.words, {
    questionHeard: found.heard.heard,
    untimed: untimed(words),
    pressMs,
  });
  return { ...base, ...combineReadings([reading], settings, form, { words, pressMs }), readings: [reading] };
}

function readForm(form: Exclude<AnswerForm, 'text'>, words: readonly Word[], at: ReadingCircumstances): AnswerReading {
  const tokens = tokenize(words);
  if (form === 'yes_no') return readYesNo(tokens, at);
  return readScale(tokens, form === 'nps' ? NPS_SCALE : CSAT_SCALE, at);
}

/** The question's texts, the cues configured for its language, and the form's default cues. */
export function questionPhrases(context: AnswerContext): string[] {
  const language = primaryLanguage(context.language);
  return [
    context.questionText.en,
    context.questionText.ru,
    ...(context.settings.cues[language] ?? []),
    ...(DEFAULT_CUES[context.form][language] ?? []),
  ].filter((p): p is string => p !== null && p.trim() !== '');
}
