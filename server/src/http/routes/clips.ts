import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../access/principal.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { applyClipFilter, type ClipFilter } from '../../clips/clip-filter.js';
import { Clip, clipsWithDetails, inClipScope, toClip } from '../../clips/clip-view.js';
import { clipsCsv } from '../../clips/clips-csv.js';
import { notesOfClips } from '../../clips/notes-of-clips.js';
import { findMatch, searchTerms } from '../../clips/transcript-match.js';
import type { Database } from '../../db/database.js';
import { instantProblem } from '../../time/strict-time.js';
import { ErrorBody, IdParams } from '../schemas.js';

export interface ClipsRoutesOptions {
  db: Database;
  audit: AuditLog;
}

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
  /**
   * How many clips the filter finds in all, counted up to 1,000: on the first page only (without
   * `cursor`). With `totalIsMore`, there are more than that.
   */
  total: Type.Optional(Type.Integer()),
  totalIsMore: Type.Optional(Type.Boolean()),
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
  followUp: Type.Optional(Type.Boolean({ description: 'true: flagged for follow-up; false: not flagged' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'words in the transcript' })),
};

const ListQuery = Type.Object(
  {
    ...FilterQuery,
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$', description: 'the nextCursor of the previous page' }),
    ),
    sort: Type.Union([Type.Literal('newest'), Type.Literal('oldest')], { default: 'newest' }),
  },
  { additionalProperties: false },
);

const ExportQuery = Type.Object(
  { ...FilterQuery, limit: Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000 }) },
  { additionalProperties: false },
);

/** Clips: the list managers browse (newest first, cursor-paginated), its CSV export, and one clip. */
export const clipsRoutes: FastifyPluginAsyncTypebox<ClipsRoutesOptions> = async (app, { db, audit }) => {
  app.get(
    '/api/v1/clips',
    {
      config: { permission: 'clips:read' },
      schema: {
        tags: ['clips'],
        summary: 'List clips, newest first (or oldest with sort=oldest); the first page says how many in all',
        querystring: ListQuery,
        response: { 200: ClipPage, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const { limit, cursor, sort, ...filter } = request.query;
      const problem = filterProblem(filter);
      if (problem) return reply.code(400).send({ error: problem });
      const direction = sort === 'oldest' ? 'asc' : 'desc';
      let query = (await matchingClipIds(db, filter, request.principal, direction)).limit(limit + 1);
      if (cursor) {
        const position = decodeCursor(cursor);
        if (!position) return reply.code(400).send({ error: 'querystring/cursor: not a cursor this API issued' });
        const beyond = direction === 'desc' ? '<' : '>';
        // A row-value comparison, which both databases read as a range of the (pressed_at, id)
        // order: written as "earlier, or as early with a lower id", PostgreSQL walked the index
        // from the newest clip to the cursor (a page deep into 10,000,000 clips: 0.8 to 17 s).
        query = query.where((eb) =>
          eb(eb.refTuple('clips.pressed_at', 'clips.id'), beyond, eb.tuple(position.pressedAt, position.id)),
        );
      }
      // The page's clips are found by id first, then read with their details: joined before the
      // limit, every match of a broad search was read whole (12,500 for a common word at
      // 1,000,000 clips) only to keep the first page.
      const rows = await clipsWithDetails(db)
        .where('clips.id', 'in', query)
        .orderBy('clips.pressed_at', direction)
        .orderBy('clips.id', direction)
        .execute();
      const counted = cursor ? undefined : await countClips(db, filter, request.principal);
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
        ...(counted === undefined
          ? {}
          : { total: Math.min(counted, COUNT_CAP), ...(counted > COUNT_CAP ? { totalIsMore: true } : {}) }),
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
        await applyClipFilter(db, clipsWithDetails(db), filter, request.principal)
      )
        .orderBy('clips.pressed_at', 'asc')
        .orderBy('clips.id', 'asc')
        .limit(limit)
        .execute();
      const clips = rows.map(toClip);
      await audit.record(request, {
        action: 'clip.export',
        subjectType: 'clips',
        details: { filter, clips: rows.length },
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="earshot-clips.csv"')
        .send(
          clipsCsv(
            clips,
            await notesOfClips(
              db,
              clips.map((clip) => clip.id),
            ),
          ),
        );
    },
  );

  app.get(
    '/api/v1/clips/:id',
    {
      config: { permission: 'clips:read' },
      schema: { tags: ['clips'], summary: 'One clip', params: IdParams, response: { 200: Clip, 404: ErrorBody } },
    },
    async (request, reply) => {
      const row = await inClipScope(clipsWithDetails(db), request.principal)
        .where('clips.id', '=', request.params.id)
        .executeTakeFirst();
      if (!row) return reply.code(404).send({ error: `no clip ${request.params.id}` });
      return toClip(row);
    },
  );
};

/**
 * The list's count stops here: counting every match of a broad filter would read the whole table
 * on each first page (a million clips), while "more than 1,000" says all a manager needs.
 */
const COUNT_CAP = 1000;

/**
 * The filter's result counted up to COUNT_CAP + 1, over the same joins the list filters on and
 * in the list's own order, so the database walks the same index and stops at the cap.
 */
async function countClips(db: Database, filter: ClipFilter, principal: Principal | null): Promise<number> {
  const matching = (await matchingClipIds(db, filter, principal, 'desc')).limit(COUNT_CAP + 1);
  const row = await db
    .selectFrom(matching.as('matching'))
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The ids of the clips a filter matches, in the list's order, over the joins the filter reads.
 * The list takes a page of them and the count stops at its cap: both walk the same index.
 */
async function matchingClipIds(
  db: Database,
  filter: ClipFilter,
  principal: Principal | null,
  direction: 'asc' | 'desc',
) {
  const query = db
    .selectFrom('clips')
    .leftJoin('transcripts', 'transcripts.clip_id', 'clips.id')
    .leftJoin('answers', 'answers.clip_id', 'clips.id')
    .select('clips.id');
  return (await applyClipFilter(db, query, filter, principal))
    .orderBy('clips.pressed_at', direction)
    .orderBy('clips.id', direction);
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
