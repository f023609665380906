import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { type AnswerSettings, DEFAULT_ANSWER_SETTINGS } from './answer.js';

/** A question's answer settings as the API and the configuration file take them: every field optional. */
export const AnswerSettingsInput = Type.Object(
  {
    graceMs: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 30_000, description: 'how long after the press an answer still counts' }),
    ),
    cues: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[a-z]{2,3}$', description: 'a language code such as en or ru' }),
        Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20 }),
        { description: 'phrases that show the question was asked, per language (en, ru), besides its text' },
      ),
    ),
    reviewBelow: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: 'machine answers less sure than this go to review' }),
    ),
  },
  { additionalProperties: false },
);
export type AnswerSettingsInput = Static<typeof AnswerSettingsInput>;

/** The settings in force: the stored ones over the defaults. */
export function answerSettings(input: AnswerSettingsInput | null | undefined): AnswerSettings {
  return {
    graceMs: input?.graceMs ?? DEFAULT_ANSWER_SETTINGS.graceMs,
    cues: input?.cues ?? DEFAULT_ANSWER_SETTINGS.cues,
    reviewBelow: input?.reviewBelow ?? DEFAULT_ANSWER_SETTINGS.reviewBelow,
  };
}

/**
 * `questions.answer_settings_json` read back. A value that no longer fits the schema (written
 * by hand) falls back to the defaults rather than stopping transcription.
 */
export function parseAnswerSettings(json: string | null | undefined): AnswerSettings {
  if (!json) return answerSettings(null);
  try {
    const value: unknown = JSON.parse(json);
    return answerSettings(Value.Check(AnswerSettingsInput, value) ? value : null);
  } catch {
    return answerSettings(null);
  }
}
