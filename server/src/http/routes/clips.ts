import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import type { ClipMeta } from '@earshot/shared/protocol';
import type { Selectable, SelectQueryBuilder } from 'kysely';
import type { Principal } from '../../access/principal.js';
import { inStoreScope } from '../../access/store-scope-sql.js';
import { type AliasedAnswerRow, ANSWER_SELECTION, AnswerView, aliasedAnswerView } from '../../answers/answer-view.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { applyClipFilter, type ClipFilter } from '../../clips/clip-filter.js';
import { findMatch, searchTerms } from '../../clips/transcript-match.js';
import type { Database } from '../../db/database.js';
import type { ClipsTable, QuestionsTable } from '../../db/schema.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { parseByteRange } from '../byte-range.js';
import { instantProblem } from '../../time/strict-time.js';

export interface ClipsRoutesOptions {
  db: Database;
  blobs: BlobStore;
  audit: AuditLog;
}

/** Clips whose store the caller may see. */
function inScope<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, principal: Principal | null) {
  return inStoreScope(query, principal, 'clips.store_id');
}

const ErrorBody = Type.Object({ error: Type.String() });

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

const Clip = Type.Object({
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
type Clip = Static<typeof Clip>;

const ClipPage = Type.Object({
  items: Type.Array(
    Type.Composite([
      Clip,
      Type.Object({
        /** With `q`: where the words were found. */
        match: Type.Optional(
          Type.Object({ snippet: Type.String(), startMs: Type.Union([Type.Number(), Type.Null()]) }),
        ),
      }),
    ]),
  ),
  /** Pass as `cursor` to get the next (older) page; absent on the last page. */
  nextCursor: Type.Optional(Type.String()),
});

const Ids = (description: string) =>
  Type.Optional(
    Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100, description: `${description}; repeat for several` }),
  );
const TimeBound = (description: string) =>
  Type.Optional(
    Type.String({
      format: 'time-bound',
      description: `${description}: an instant with offset, or a date/time without one, read in each store's time zone`,
    }),
  );

/** The filters of the list and of the CSV export. */
const FilterQuery = {
  storeId: Ids('stores'),
  deviceId: Ids('devices'),
  questionId: Ids('questions (categories)'),
  from: TimeBound('pressed at or after'),
  to: TimeBound('pressed before; a plain date includes that whole day'),
  hasTranscript: Type.Optional(Type.Boolean()),
  npsMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  npsMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  truncated: Type.Optional(Type.Boolean({ description: 'less pre-roll than asked for' })),
  hasGaps: Type.Optional(Type.Boolean({ description: 'the recorder was down during the clip' })),
  source: Type.Optional(Type.Union([Type.Literal('device'), Type.Literal('import')])),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'words in the transcript' })),
};

const ListQuery = Type.Object(
  {
    ...FilterQuery,
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' })),
    sort: Type.Union([Type.Literal('newest'), Type.Literal('oldest')], { default: 'newest' }),
  },
  { additionalProperties: false },
);

const ExportQuery = Type.Object(
  { ...FilterQuery, limit: Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000 }) },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' }) });

const AudioBody = Type.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'audio/wav or audio/ogg' });

const CONTENT_TYPES: Record<string, string> = { wav: 'audio/wav', ogg: 'audio/ogg' };

/** Clips: the list managers browse (newest first, cursor-paginated), one clip, and its audio. */
export const clipsRoutes: FastifyPluginAsyncTypebox<ClipsRoutesOptions> = async (app, { db, blobs, audit }) => {
  const withQuestion = () =>
    db
      .selectFrom('clips')
      .leftJoin('questions', 'questions.id', 'clips.question_id')
      .leftJoin('transcripts', 'transcripts.clip_id', 'clips.id')
      .leftJoin('answers', 'answers.clip_id', 'clips.id')
      .selectAll('clips')
      .select(['questions.kind as q_kind', 'questions.text_en as q_text_en', 'questions.text_ru as q_text_ru'])
      .select([
        'transcripts.text as t_text',
        'transcripts.words_json as t_words_json',
        'transcripts.engine as t_engine',
        'transcripts.language as t_language',
        'transcripts.duration_ms as t_duration_ms',
      ])
      .select(ANSWER_SELECTION);

  app.get(
    '/api/v1/clips',
    {
      config: { permission: 'clips:read' },
      schema: {
        tags: ['clips'],
        summary: 'List clips, newest first',
        querystring: ListQuery,
        response: { 200: ClipPage, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const { limit, cursor, sort, ...filter } = request.query;
      const problem = filterProblem(filter);
      if (problem) return reply.code(400).send({ error: problem });
      const direction = sort === 'oldest' ? 'asc' : 'desc';
      let query = (await applyClipFilter(db, withQuestion(), filter, request.principal))
        .orderBy('clips.pressed_at', direction)
        .orderBy('clips.id', direction)
        .limit(limit + 1);
      if (cursor) {
        const position = decodeCursor(cursor);
        if (!position) return reply.code(400).send({ error: 'querystring/cursor: not a cursor this API issued' });
        const beyond = direction === 'desc' ? '<' : '>';
        query = query.where((eb) =>
          eb.or([
            eb('clips.pressed_at', beyond, position.pressedAt),
            eb.and([eb('clips.pressed_at', '=', position.pressedAt), eb('clips.id', beyond, position.id)]),
          ]),
        );
      }
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const terms = filter.q === undefined ? [] : searchTerms(filter.q);
      return {
        items: page.map((row) => {
          const clip = toClip(row);
          const match =
            clip.transcript && terms.length > 0
              ? findMatch(clip.transcript.text, clip.transcript.words, terms)
              : undefined;
          return match ? { ...clip, match } : clip;
        }),
        ...(rows.length > limit && last ? { nextCursor: encodeCursor(last.pressed_at, last.id) } : {}),
      };
    },
  );

  app.get(
    '/api/v1/clips/export.csv',
    {
      config: { permission: 'clips:export' },
      schema: {
        tags: ['clips'],
        summary: 'The filtered clip list as CSV (UTF-8, comma-separated, one clip a line), oldest first',
        querystring: ExportQuery,
        response: { 200: Type.String({ description: 'text/csv' }), 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const { limit, ...filter } = request.query;
      const problem = filterProblem(filter);
      if (problem) return reply.code(400).send({ error: problem });
      const rows = await (
        await applyClipFilter(db, withQuestion(), filter, request.principal)
      )
        .orderBy('clips.pressed_at', 'asc')
        .orderBy('clips.id', 'asc')
        .limit(limit)
        .execute();
      await audit.record(request, {
        action: 'clip.export',
        subjectType: 'clips',
        details: { filter, clips: rows.length },
      });
      const lines = [CSV_HEADER, ...rows.map((row) => csvLine(toClip(row)))];
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="earshot-clips.csv"')
        .send(`${lines.join('\r\n')}\r\n`);
    },
  );

  app.get(
    '/api/v1/clips/:id',
    {
      config: { permission: 'clips:read' },
      schema: { tags: ['clips'], summary: 'One clip', params: IdParams, response: { 200: Clip, 404: ErrorBody } },
    },
    async (request, reply) => {
      const row = await inScope(withQuestion(), request.principal)
        .where('clips.id', '=', request.params.id)
        .executeTakeFirst();
      if (!row) return reply.code(404).send({ error: `no clip ${request.params.id}` });
      return toClip(row);
    },
  );

  app.get(
    '/api/v1/clips/:id/audio-link',
    {
      config: { permission: 'clips:listen' },
      schema: {
        tags: ['clips'],
        summary: 'Where to fetch the audio: a presigned object-storage URL when the store has one, else the API',
        params: IdParams,
        response: { 200: Type.Object({ url: Type.String(), direct: Type.Boolean() }), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const clip = await inScope(db.selectFrom('clips'), request.principal)
        .select(['storage_key', 'store_id'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!clip) return reply.code(404).send({ error: `no clip ${id}` });
      const direct = await blobs.directUrl(clip.storage_key);
      if (direct) {
        await audit.record(request, {
          action: 'clip.listen',
          subjectType: 'clip',
          subjectId: id,
          storeId: clip.store_id,
          details: { via: 'presigned' },
        });
      }
      return direct ? { url: direct, direct: true } : { url: `/api/v1/clips/${id}/audio`, direct: false };
    },
  );

  app.get(
    '/api/v1/clips/:id/audio',
    {
      config: { permission: 'clips:listen' },
      schema: {
        tags: ['clips'],
        summary: 'The clip audio; honours a single HTTP Range so that players can seek',
        params: IdParams,
        headers: Type.Object({ range: Type.Optional(Type.String()) }),
        response: { 200: AudioBody, 206: AudioBody, 404: ErrorBody, 416: ErrorBody },
      },
    },
    async (request, reply) => {
      const clip = await inScope(db.selectFrom('clips'), request.principal)
        .select(['storage_key', 'container', 'size', 'store_id'])
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!clip) return reply.code(404).send({ error: `no clip ${request.params.id}` });
      const size = await blobs.size(clip.storage_key);
      if (size === undefined) {
        request.log.error({ clipId: request.params.id, key: clip.storage_key }, 'clip row without audio');
        return reply.code(404).send({ error: `audio of clip ${request.params.id} is missing from storage` });
      }
      const range = parseByteRange(request.headers.range, size);
      // A player fetches many ranges of one clip; the first byte marks a listen, the rest follow it.
      if (range === undefined || (range !== 'unsatisfiable' && range.start === 0)) {
        await audit.record(request, {
          action: range === undefined ? 'clip.download' : 'clip.listen',
          subjectType: 'clip',
          subjectId: request.params.id,
          storeId: clip.store_id,
        });
      }
      reply.header('accept-ranges', 'bytes');
      if (range === 'unsatisfiable') {
        // JSON, not the audio's type: an object sent as audio/wav is a serialisation fault (a 500).
        reply.header('content-range', `bytes */${size}`).type('application/json; charset=utf-8');
        return reply.code(416).send({ error: `range not satisfiable: the audio has ${size} bytes` });
      }
      reply.type(CONTENT_TYPES[clip.container] ?? 'application/octet-stream');
      if (range) {
        reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`);
        reply.header('content-length', range.end - range.start + 1);
        return reply.send(await blobs.read(clip.storage_key, range));
      }
      reply.header('content-length', size);
      return reply.send(await blobs.read(clip.storage_key));
    },
  );
};

type ClipRow = Selectable<ClipsTable> & {
  q_kind: QuestionsTable['kind'] | null;
  q_text_en: QuestionsTable['text_en'] | null;
  q_text_ru: QuestionsTable['text_ru'] | null;
  t_text: string | null;
  t_words_json: string | null;
  t_engine: string | null;
  t_language: string | null;
  t_duration_ms: number | null;
} & AliasedAnswerRow;

function toClip(row: ClipRow): Clip {
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

const CSV_HEADER =
  'clip_id,pressed_at_utc,store_id,device_id,button,question_id,duration_s,truncated,gaps,nps_score,transcript';

function csvLine(clip: Clip): string {
  return [
    clip.id,
    clip.pressedAt,
    clip.storeId ?? '',
    clip.deviceId,
    String(clip.button),
    clip.question?.id ?? '',
    (clip.durationMs / 1000).toFixed(1),
    clip.truncated ? 'yes' : 'no',
    String(clip.gaps.length),
    clip.answer?.form !== 'nps' || clip.answer.value === null ? '' : String(clip.answer.value),
    clip.transcript?.text ?? '',
  ]
    .map(csvField)
    .join(',');
}

/** RFC 4180 quoting; a leading =, +, - or @ is defused so spreadsheets do not run it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function filterProblem(filter: ClipFilter): string | undefined {
  if (filter.npsMin !== undefined && filter.npsMax !== undefined && filter.npsMin > filter.npsMax) {
    return 'querystring/npsMin must not be greater than querystring/npsMax';
  }
  return undefined;
}

function encodeCursor(pressedAt: string, id: string): string {
  return Buffer.from(`${pressedAt}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { pressedAt: string; id: string } | undefined {
  const [pressedAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!pressedAt || !id || rest.length > 0 || instantProblem(pressedAt)) return undefined;
  return { pressedAt, id };
}
