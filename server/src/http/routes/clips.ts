import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../access/principal.js';
import type { AuditLog } from '../../audit/audit-log.js';
import {
  applyClipFilter,
  asksWordsAlone,
  type ClipFilter,
  fewStoresOfList,
  narrowsToFewStores,
} from '../../clips/clip-filter.js';
import { Clip, clipsWithDetails, inClipScope, toClip } from '../../clips/clip-view.js';
import { clipsCsv } from '../../clips/clips-csv.js';
import { notesOfClips } from '../../clips/notes-of-clips.js';
import { keyRange, postgresWordsMatch, throughLastMillisecond } from '../../clips/text-search.js';
import { findMatch, searchTerms } from '../../clips/transcript-match.js';
import {
  type Expression,
  type ExpressionBuilder,
  PostgresAdapter,
  type SelectQueryBuilder,
  sql,
  type SqlBool,
} from 'kysely';
import type { Database } from '../../db/database.js';
import type { DatabaseSchema } from '../../db/schema.js';
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
    sort: Type.Union(
      [Type.Literal('newest'), Type.Literal('oldest'), Type.Literal('lowest'), Type.Literal('highest')],
      {
        default: 'newest',
        description:
          'newest or oldest press first; or lowest or highest answer value first (NPS 0–10, CSAT 1–5, yes 1 / no 0), ties newest first, which lists only the clips whose answer has a value',
      },
    ),
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
        summary: 'List clips, newest first (or as `sort` says); the first page says how many in all',
        querystring: ListQuery,
        response: { 200: ClipPage, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const { limit, cursor, sort, ...filter } = request.query;
      const problem = filterProblem(filter);
      if (problem) return reply.code(400).send({ error: problem });
      let after: ListPosition | undefined;
      if (cursor) {
        after = decodeCursor(cursor, sort);
        if (!after) {
          return reply.code(400).send({ error: `querystring/cursor: not a cursor this API issued for sort=${sort}` });
        }
      }
      // The page's clips are found by id first, then read with their details: joined before the
      // limit, every match of a broad search was read whole (12,500 for a common word at
      // 1,000,000 clips) only to keep the first page.
      let rows;
      let counted: number | undefined;
      if (!cursor && filter.q !== undefined) {
        // A search's first page and its count come from one list of its matches, in the list's
        // order, up to the count's cap: the text index gives a word's every match at once, so
        // counting them apart cost as much as the page again (a common word: half the time).
        const matching = await (
          await matchingClipIds(db, filter, request.principal, sort, { limit: COUNT_CAP + 1 })
        ).execute();
        counted = matching.length;
        const ids = matching.slice(0, limit + 1).map((row) => row.id);
        rows =
          ids.length === 0 ? [] : await inListOrder(clipsWithDetails(db).where('clips.id', 'in', ids), sort).execute();
      } else {
        const query = await matchingClipIds(db, filter, request.principal, sort, { limit: limit + 1, after });
        rows = await inListOrder(clipsWithDetails(db).where('clips.id', 'in', query), sort).execute();
        counted = cursor ? undefined : await countClips(db, filter, request.principal, sort);
      }
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
        ...(rows.length > limit && last
          ? {
              nextCursor: encodeCursor({
                value: byScore(sort) ? last.a_value : null,
                pressedAt: last.pressed_at,
                id: last.id,
              }),
            }
          : {}),
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
 * in an order one of its indexes gives, so that the database walks that index and stops at the cap.
 */
async function countClips(
  db: Database,
  filter: ClipFilter,
  principal: Principal | null,
  sort: ListSort,
): Promise<number> {
  // The same rows in any order: the count walks the index its filter bounds best. A score range
  // bounds the answers' value index; walked newest first instead, PostgreSQL merge-joined every
  // clip with its answer by key and sorted them before it could stop at the cap.
  const order = filter.npsMin !== undefined || filter.npsMax !== undefined ? 'lowest' : byScore(sort) ? sort : 'newest';
  const matching = await matchingClipIds(db, filter, principal, order, { limit: COUNT_CAP + 1 });
  const row = await db
    .selectFrom(matching.as('matching'))
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The ids of the first `limit` clips a filter matches after `after`, in the list's order, over
 * the joins the filter reads. The list takes a page of them and the count stops at its cap: both
 * walk the same index.
 */
async function matchingClipIds(
  db: Database,
  filter: ClipFilter,
  principal: Principal | null,
  sort: ListSort,
  { limit, after }: { limit: number; after?: ListPosition | undefined },
) {
  const cursorAt = <Q extends OrderableByList>(query: Q): Q =>
    after ? (query.where((eb) => beyondCursor(eb, sort, after)) as Q) : query;
  const stores = fewStoresOfList(filter, principal);
  const direction = sort === 'oldest' || sort === 'lowest' ? 'asc' : 'desc';
  if (byScore(sort)) {
    // From the answers' own indexes (migrations 0016, 0021), in their order: each clip is then
    // fetched by its key to apply the filter, and the walk stops at the page's end.
    const filtered = await applyClipFilter(
      db,
      db
        .selectFrom('answers')
        .innerJoin('clips', 'clips.id', 'answers.clip_id')
        .leftJoin('transcripts', 'transcripts.clip_id', 'clips.id')
        .select(['clips.id', 'answers.value', 'answers.pressed_at'])
        .where('answers.value', 'is not', null),
      filter,
      principal,
    );
    // A device's clips, or a few stores' clips within a time range, are found by the clips'
    // index and sorted: a day's clips are fewer than a walk of a store's answers to them, and a
    // walk of every answer's value for a device without scored clips took PostgreSQL 2.9 s for
    // an empty page at 1,000,000 clips.
    const inRange = filter.from !== undefined || filter.to !== undefined;
    if (filter.deviceId?.length || !stores || inRange) {
      return inListOrder(cursorAt(filtered), sort, {
        sortMatches: narrowsToFewStores(filter, principal),
      })
        .limit(limit)
        .clearSelect()
        .select('clips.id');
    }
    // A few stores at any time: each store's answers by value (migration 0021), merged.
    const walks = stores.map((store) =>
      inListOrder(cursorAt(filtered.where('answers.store_id', '=', store)), sort).limit(limit),
    );
    return mergedWalks(db, walks, limit, [
      ['value', direction],
      ['pressed_at', 'desc'],
      ['id', 'desc'],
    ]);
  }
  if (filter.q !== undefined) {
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
      return searchInTimeOrder(db, filter, principal, sort, { limit, after });
    }
    const words = postgresWordsMatch(filter.q);
    if (words && asksWordsAlone(filter, principal)) return transcriptsInTimeOrder(db, words, sort, { limit, after });
  }
  // The filter once (a local-day range reads the stores' zones), then walked in time order.
  const filtered = await applyClipFilter(
    db,
    db
      .selectFrom('clips')
      .leftJoin('transcripts', 'transcripts.clip_id', 'clips.id')
      .leftJoin('answers', 'answers.clip_id', 'clips.id')
      .select(['clips.id', 'clips.pressed_at']),
    filter,
    principal,
    { walk: 'time' },
  );
  const inTime = (query: typeof filtered) => inListOrder(cursorAt(query), sort).limit(limit);
  if (!stores) return inTime(filtered).clearSelect().select('clips.id');
  // Each store's clips in time order, merged: one walk of each store's index to the page's end.
  // Given several stores at once, both databases read every clip of them and sorted them all
  // for one page (three stores at 1,000,000 clips: 6,000 clips, 10 ms on SQLite).
  const walks = stores.map((store) => inTime(filtered.where('clips.store_id', '=', store)));
  return mergedWalks(db, walks, limit, [
    ['pressed_at', direction],
    ['id', direction],
  ]);
}

/**
 * A search's first `limit` matches after `after` in time order, on SQLite: its text index walked
 * by key (the press time, migration 0022) from the newest or the oldest end, each match's clip
 * read for the rest of the filter, until `limit` are found. The walk's last millisecond is then
 * read whole and the matches sorted: clips pressed in one millisecond are keyed in the order
 * they were transcribed, and the list orders them by id. A common word's first page and count
 * read 1,001 of its 12,500 matches at 1,000,000 clips, where finding and sorting all of them took
 * 117 ms; a store's month, 12 ms where asking each of its clips took 127.
 */
async function searchInTimeOrder(
  db: Database,
  filter: ClipFilter,
  principal: Principal | null,
  sort: 'newest' | 'oldest',
  { limit, after }: { limit: number; after?: ListPosition | undefined },
) {
  const direction = sort === 'oldest' ? 'asc' : 'desc';
  let matches = await applyClipFilter(
    db,
    db
      .selectFrom('transcripts_fts')
      .innerJoin('clips', 'clips.id', 'transcripts_fts.clip_id')
      .leftJoin('transcripts', 'transcripts.clip_id', 'clips.id')
      .leftJoin('answers', 'answers.clip_id', 'clips.id'),
    filter,
    principal,
    { walk: 'search' },
  );
  if (after) {
    matches = matches
      .where((eb) => beyondCursor(eb, sort, after))
      .where((eb) => eb.and(keyRange(sort === 'oldest' ? { from: after.pressedAt } : { to: after.pressedAt })));
  }
  const walk = matches
    .select(sql<number>`transcripts_fts.rowid`.as('key'))
    .orderBy(sql`transcripts_fts.rowid`, direction)
    .limit(limit);
  return inListOrder(matches.where(throughLastMillisecond(walk, direction)), sort)
    .limit(limit)
    .select('clips.id');
}

/**
 * PostgreSQL, a search for words alone: every transcript that holds them is in the list, so its
 * matches are ordered by the press time each transcript keeps (migration 0023), and only the
 * page's clips are then looked up. Ordered by their clips, every match's clip was looked up
 * first (a common word's 12,500 at 1,000,000 clips).
 */
function transcriptsInTimeOrder(
  db: Database,
  words: Expression<SqlBool>,
  sort: 'newest' | 'oldest',
  { limit, after }: { limit: number; after?: ListPosition | undefined },
) {
  const direction = sort === 'oldest' ? 'asc' : 'desc';
  let matches = db.selectFrom('transcripts').select('transcripts.clip_id as id').where(words);
  if (after) {
    matches = matches.where(
      sql<boolean>`(transcripts.pressed_at, transcripts.clip_id) ${sql.raw(direction === 'asc' ? '>' : '<')} (${after.pressedAt}, ${after.id})`,
    );
  }
  return matches
    .orderBy(sql.ref('transcripts.pressed_at'), direction)
    .orderBy('transcripts.clip_id', direction)
    .limit(limit);
}

/**
 * The first `limit` ids of one or more walks, each already in the list's order and limited,
 * merged in that order: each walk reads its own index to the page's end and stops.
 */
function mergedWalks(
  db: Database,
  walks: SelectQueryBuilder<DatabaseSchema, 'clips' | 'answers', { id: string }>[],
  limit: number,
  order: [column: string, direction: 'asc' | 'desc'][],
) {
  const [first, ...rest] = walks;
  if (rest.length === 0) return first!.clearSelect().select('clips.id');
  const merged = rest.reduce(
    (union, walk, k) => union.unionAll(db.selectFrom(walk.as(`w${k + 1}`)).selectAll()),
    db.selectFrom(first!.as('w0')).selectAll(),
  );
  return order
    .reduce(
      (query, [column, direction]) => query.orderBy(sql.ref(`few.${column}`), direction),
      db.selectFrom(merged.as('few')),
    )
    .select('few.id')
    .limit(limit);
}

type ListSort = 'newest' | 'oldest' | 'lowest' | 'highest';

const byScore = (sort: ListSort) => sort === 'lowest' || sort === 'highest';

/** Where a page ends: the last clip's answer value (sorts by score), press time and id. */
interface ListPosition {
  value: number | null;
  pressedAt: string;
  id: string;
}

/**
 * A query over clips and answers in the list's order: the order its indexes are walked in, or
 * with `sortMatches` (a list by score over few clips) an order no index gives, so that the
 * database finds the matches by the filter's own index and sorts them.
 */
function inListOrder<Q extends OrderableByList>(query: Q, sort: ListSort, { sortMatches = false } = {}): Q {
  if (byScore(sort)) {
    const value = sortMatches ? sql<number>`${sql.ref('answers.value')} + 0` : sql.ref<number>('answers.value');
    return query
      .orderBy(value, sort === 'lowest' ? 'asc' : 'desc')
      .orderBy('answers.pressed_at', 'desc')
      .orderBy('answers.clip_id', 'desc') as Q;
  }
  const direction = sort === 'oldest' ? 'asc' : 'desc';
  return query.orderBy('clips.pressed_at', direction).orderBy('clips.id', direction) as Q;
}

type OrderableByList = SelectQueryBuilder<DatabaseSchema, 'clips' | 'answers', object>;

/** The clips after `position` in the list's order. */
function beyondCursor(
  eb: ExpressionBuilder<DatabaseSchema, 'clips' | 'answers'>,
  sort: ListSort,
  position: ListPosition,
) {
  if (byScore(sort) && position.value !== null) {
    const further = sort === 'lowest' ? '>' : '<';
    const atLeast = sort === 'lowest' ? '>=' : '<=';
    // The bound on the value alone is what lets the index walk start at the cursor.
    return eb.and([
      eb('answers.value', atLeast, position.value),
      eb.or([
        eb('answers.value', further, position.value),
        eb(eb.refTuple('answers.pressed_at', 'answers.clip_id'), '<', eb.tuple(position.pressedAt, position.id)),
      ]),
    ]);
  }
  // A row-value comparison, which both databases read as a range of the (pressed_at, id)
  // order: written as "earlier, or as early with a lower id", PostgreSQL walked the index
  // from the newest clip to the cursor (a page deep into 10,000,000 clips: 0.8 to 17 s).
  return eb(
    eb.refTuple('clips.pressed_at', 'clips.id'),
    sort === 'oldest' ? '>' : '<',
    eb.tuple(position.pressedAt, position.id),
  );
}

function filterProblem(filter: ClipFilter): string | undefined {
  if (filter.npsMin !== undefined && filter.npsMax !== undefined && filter.npsMin > filter.npsMax) {
    return 'querystring/npsMin must not be greater than querystring/npsMax';
  }
  return undefined;
}

/** Sorted by time: "pressedAt|id"; sorted by score: "value|pressedAt|id". */
function encodeCursor({ value, pressedAt, id }: ListPosition): string {
  return Buffer.from(value === null ? `${pressedAt}|${id}` : `${value}|${pressedAt}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string, sort: ListSort): ListPosition | undefined {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const [value, pressedAt, id] = byScore(sort) ? parts : [null, ...parts];
  if (parts.length !== (byScore(sort) ? 3 : 2) || !pressedAt || !id || instantProblem(pressedAt)) return undefined;
  if (value !== null && !/^-?\d{1,3}$/.test(value ?? '')) return undefined;
  return { value: value === null ? null : Number(value), pressedAt, id };
}
