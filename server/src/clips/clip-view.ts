import type { ClipMeta } from '@earshot/shared/protocol';
import { type Static, Type } from '@sinclair/typebox';
import type { Selectable, SelectQueryBuilder } from 'kysely';
import type { Principal } from '../access/principal.js';
import { inStoreScope } from '../access/store-scope-sql.js';
import { type AliasedAnswerRow, ANSWER_SELECTION, AnswerView, aliasedAnswerView } from '../answers/answer-view.js';
import type { Database } from '../db/database.js';
import type { ClipsTable, QuestionsTable } from '../db/schema.js';

/** Clips whose store the caller may see. */
export function inClipScope<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  principal: Principal | null,
) {
  return inStoreScope(query, principal, 'clips.store_id');
}

const Question = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  text: Type.Object({ en: Type.String(), ru: Type.Union([Type.String(), Type.Null()]) }),
});

const Word = Type.Object({
  word: Type.String(),
  startMs: Type.Number(),
  endMs: Type.Number(),
  confidence: Type.Union([Type.Number(), Type.Null()]),
});

export const Clip = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  button: Type.Integer(),
  question: Type.Union([Question, Type.Null()]),
  pressedAt: Type.String({ format: 'date-time' }),
  startAt: Type.String({ format: 'date-time' }),
  endAt: Type.String({ format: 'date-time' }),
  durationMs: Type.Number(),
  sampleRate: Type.Integer(),
  channels: Type.Integer(),
  container: Type.String(),
  codec: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  truncated: Type.Boolean(),
  gaps: Type.Array(Type.Object({ startMs: Type.Number(), durationMs: Type.Number() })),
  status: Type.String(),
  /** Where the clip lies in the device's capture timeline: frame numbers compare within one session. */
  capture: Type.Object({
    session: Type.String(),
    startFrame: Type.Integer(),
    endFrame: Type.Integer(),
    pressFrame: Type.Integer(),
  }),
  receivedAt: Type.String({ format: 'date-time' }),
  audioUrl: Type.String(),
  storeId: Type.Union([Type.String(), Type.Null()]),
  /** `device`, or `import` for clips cut from an uploaded recording. */
  source: Type.String(),
  transcript: Type.Union([
    Type.Object({
      text: Type.String(),
      words: Type.Array(Word),
      engine: Type.String(),
      language: Type.String(),
      durationMs: Type.Number(),
    }),
    Type.Null(),
  ]),
  /** The clip's answer (answers/answer-view.ts); null when the clip has no question or is not read yet. */
  answer: Type.Union([AnswerView, Type.Null()]),
  /** Set while someone has to act on the clip (a detractor to call back): who set it and when. */
  followUp: Type.Union([Type.Object({ by: Type.String(), at: Type.String() }), Type.Null()]),
  /** Deprecated: the NPS answer in force in the old shape, for the console until it reads `answer`. */
  score: Type.Union([
    Type.Object({
      kind: Type.String(),
      value: Type.Union([Type.Integer({ minimum: 0, maximum: 10 }), Type.Null()]),
      evidence: Type.Union([Type.Array(Word), Type.Null()]),
      reason: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
});
export type Clip = Static<typeof Clip>;

/** Clips with what the API shows of them: question, transcript and answer; `toClip` reads a row. */
export function clipsWithDetails(db: Database) {
  return db
    .selectFrom('clips')
    .leftJoin('questions', 'questions.id', 'clips.question_id')
    .leftJoin('transcripts', 'transcripts.clip_id', 'clips.id')
    .leftJoin('answers', 'answers.clip_id', 'clips.id')
    .leftJoin('clip_follow_ups', 'clip_follow_ups.clip_id', 'clips.id')
    .selectAll('clips')
    .select(['questions.kind as q_kind', 'questions.text_en as q_text_en', 'questions.text_ru as q_text_ru'])
    .select([
      'transcripts.text as t_text',
      'transcripts.words_json as t_words_json',
      'transcripts.engine as t_engine',
      'transcripts.language as t_language',
      'transcripts.duration_ms as t_duration_ms',
    ])
    .select(['clip_follow_ups.set_by as f_by', 'clip_follow_ups.set_at as f_at'])
    .select(ANSWER_SELECTION);
}

type ClipRow = Selectable<ClipsTable> & {
  q_kind: QuestionsTable['kind'] | null;
  q_text_en: QuestionsTable['text_en'] | null;
  q_text_ru: QuestionsTable['text_ru'] | null;
  t_text: string | null;
  t_words_json: string | null;
  t_engine: string | null;
  t_language: string | null;
  t_duration_ms: number | null;
  f_by: string | null;
  f_at: string | null;
} & AliasedAnswerRow;

export function toClip(row: ClipRow): Clip {
  const meta = JSON.parse(row.meta_json) as ClipMeta;
  const answer = aliasedAnswerView(row);
  return {
    id: row.id,
    deviceId: row.device_id,
    button: row.button,
    question:
      row.question_id && row.q_kind && row.q_text_en
        ? { id: row.question_id, kind: row.q_kind, text: { en: row.q_text_en, ru: row.q_text_ru } }
        : null,
    pressedAt: row.pressed_at,
    startAt: row.start_at,
    endAt: row.end_at,
    durationMs: row.duration_ms,
    sampleRate: row.sample_rate,
    channels: row.channels,
    container: row.container,
    codec: row.codec,
    size: row.size,
    sha256: row.sha256,
    truncated: row.truncated === 1,
    gaps: JSON.parse(row.gaps_json) as Clip['gaps'],
    status: row.status,
    capture: {
      session: meta.captureSession,
      startFrame: meta.startFrame,
      endFrame: meta.endFrame,
      pressFrame: meta.pressFrame,
    },
    receivedAt: row.received_at,
    audioUrl: `/api/v1/clips/${row.id}/audio`,
    storeId: row.store_id,
    source: row.source,
    transcript:
      row.t_text !== null && row.t_words_json !== null
        ? {
            text: row.t_text,
            words: JSON.parse(row.t_words_json) as Static<typeof Word>[],
            engine: row.t_engine ?? '',
            language: row.t_language ?? '',
            durationMs: Number(row.t_duration_ms),
          }
        : null,
    answer,
    followUp: row.f_by !== null && row.f_at !== null ? { by: row.f_by, at: row.f_at } : null,
    score:
      answer?.form === 'nps'
        ? {
            kind: 'nps',
            value: answer.value,
            evidence: answer.source === 'machine' ? answer.evidence : null,
            reason: answer.value === null ? answer.reason : null,
          }
        : null,
  };
}
