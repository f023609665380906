import type { ClipMeta } from '@earshot/shared/protocol';
import { ANSWER_FORM_OF_KIND } from './answer.js';
import { parseAnswerSettings } from './answer-settings.js';
import { pressMsOf } from './press-position.js';
import type { AnswerContext } from './read-answer.js';

/** What the database holds about a clip that the reader needs. */
export interface ClipAnswerFacts {
  metaJson: string;
  durationMs: number;
  questionKind: string | null;
  textEn: string | null;
  textRu: string | null;
  settingsJson: string | null;
  language: string;
}

/**
 * The reader's context for a clip, or undefined when the clip has no question (its button was
 * mapped to none): such a clip has no answer to read. A kind the reader does not know is read
 * as text.
 */
export function clipAnswerContext(clip: ClipAnswerFacts): AnswerContext | undefined {
  if (clip.questionKind === null) return undefined;
  return {
    form: ANSWER_FORM_OF_KIND[clip.questionKind] ?? 'text',
    language: clip.language,
    questionText: { en: clip.textEn, ru: clip.textRu },
    settings: parseAnswerSettings(clip.settingsJson),
    pressMs: pressMsOfJson(clip.metaJson, clip.durationMs),
  };
}

/** The press from the stored meta; a row without frames (never written so) is taken as pressed mid-clip. */
function pressMsOfJson(metaJson: string, durationMs: number): number {
  const meta = JSON.parse(metaJson) as Partial<ClipMeta>;
  if (typeof meta.startFrame === 'number' && typeof meta.pressFrame === 'number' && meta.sampleRate) {
    return pressMsOf({ startFrame: meta.startFrame, pressFrame: meta.pressFrame, sampleRate: meta.sampleRate });
  }
  return Math.round(durationMs / 2);
}
