import type { ClipAudio, Word } from '../transcription/transcript.js';

/**
 * What a question's answer is read as. The question's kind picks it: `nps` 0–10, `csat` 1–5,
 * `yes_no` 1 (yes) or 0 (no), and `text` (open questions, complaints, praise) where the answer is
 * the words said in the answer window.
 */
export type AnswerForm = 'nps' | 'csat' | 'yes_no' | 'text';

export const ANSWER_FORM_OF_KIND: Readonly<Record<string, AnswerForm>> = {
  nps: 'nps',
  csat: 'csat',
  yes_no: 'yes_no',
  open: 'text',
  complaint: 'text',
  praise: 'text',
  custom: 'text',
};

/** A stretch of the clip, in milliseconds from the clip's first sample. */
export interface TimeSpan {
  startMs: number;
  endMs: number;
}

/** Whether the question was asked in the clip, and where: press verification. */
export interface QuestionHeard {
  heard: boolean;
  /** Where the question text or one of its cue phrases was matched; null when not heard. */
  span: TimeSpan | null;
  /** The phrase that matched (question text or cue), as configured. */
  matched: string | null;
  /** 0..1: how closely the transcript's words matched that phrase. */
  similarity: number;
}

/** One reading of the answer window: from the full transcript, or a targeted re-recognition. */
export interface AnswerReading {
  source: 'transcript' | 'targeted';
  /** The value this reading found, or null (see reason). */
  value: number | null;
  /** 0..1 */
  confidence: number;
  reason: string;
  /** The words that gave the value, with their times in the clip. */
  evidence: Word[];
  /** Targeted readings: every word the decode heard in the window, as text ('' when it heard none). */
  decoded?: string;
}

/** What the machine read from a clip: the whole story a manager needs to trust it or not. */
export interface MachineAnswer {
  form: AnswerForm;
  /** The value read (see AnswerForm), or null: no value rather than a wrong one (see reason). */
  value: number | null;
  /** 0..1; below the question's review threshold the value is withheld for a person. */
  confidence: number;
  /** True when a person should look: no value where one was expected, low confidence, or readings that contradict. */
  needsReview: boolean;
  /** Why this value, or why none, in words a manager understands. */
  reason: string;
  /** The words that gave the value (for `text`: the answer's words). */
  evidence: Word[];
  /** The answer's words in the window, as said. */
  text: string;
  /** The answer window: after the question (if heard) up to the press plus the grace. */
  window: TimeSpan;
  /** The press, in ms from the clip's start. */
  pressMs: number;
  question: QuestionHeard;
  /** Each reading that went into the value, in the order taken. */
  readings: AnswerReading[];
}

/**
 * Per-question settings of the answer reader, stored as `questions.answer_settings_json`
 * (null: the defaults).
 */
export interface AnswerSettings {
  /** How long after the press an answer still counts (staff sometimes press before it is said). */
  graceMs: number;
  /** Phrases that show the question was asked, per primary language tag (`en`, `ru`), besides its text. */
  cues: Record<string, string[]>;
  /** Machine answers with less confidence than this are withheld and marked for review. */
  reviewBelow: number;
}

export const DEFAULT_ANSWER_SETTINGS: AnswerSettings = { graceMs: 4000, cues: {}, reviewBelow: 0.7 };

/**
 * Decodes the answer window again with only the vocabulary the form's answer can take (a
 * grammar with a filler path for pocketsphinx, a prompt naming the expected form for
 * OpenAI-compatible engines). Null: this engine has nothing to add for that form or language.
 */
export interface TargetedRecogniser {
  readonly name: string;
  recognise(
    audio: ClipAudio,
    window: TimeSpan,
    form: AnswerForm,
    language: string,
    signal?: AbortSignal,
  ): Promise<AnswerReading | null>;
}
