import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { type Expression, type SqlBool, sql } from 'kysely';
import { storeScope } from '../../access/principal.js';
import { inStoreScope } from '../../access/store-scope-sql.js';
import { NO_STORE_ZONE, pressedRange, rangeProblem } from '../../clips/pressed-range.js';
import { splitAtWholeLocalDays } from '../../clips/instant-range-split.js';
import type { Database } from '../../db/database.js';
import { localDaySql, localHourSql } from '../../db/local-time-sql.js';
import { countsByLocalDays } from '../../nps/nps-period-counts.js';
import { defaultFrom } from '../../nps/report-period.js';
import { byCodeUnit, countedStatuses, countedVolume, inVolumeOrder, type VolumeRow } from '../../stats/clip-counts.js';
import { countedCoverage } from '../../stats/device-hour-counts.js';
import { ErrorBody, NoStoreZone, Slug, TimeBound, validTimeZone } from '../schemas.js';

const Range = Type.Object(
  {
    storeId: Type.Optional(Slug),
    from: Type.Optional(TimeBound('pressed at or after; default: 30 days before `to` (or before now)')),
    to: Type.Optional(TimeBound('pressed before; a plain date includes that whole day; default: now')),
    timeZone: Type.Optional(NoStoreZone),
  },
  { additionalProperties: false },
);

const VolumeQuery = Type.Composite(
  [
    Range,
    Type.Object({
      groupBy: Type.Union(
        [Type.Literal('store-question'), Type.Literal('store'), Type.Literal('question'), Type.Literal('day')],
        {
          default: 'store-question',
          description:
            'rows per local day and store and question (the default), per store, per question, or per day only',
        },
      ),
    }),
  ],
  { additionalProperties: false },
);

/**
 * Volumes managers watch: clips per store, question and local day; presses per device and local
 * hour (coverage: is the button used all day?); the share of clips transcribed or failed. Days and
 * hours are the store's own, from its time zone; those of clips of no store are read in `timeZone`
 * (default UTC), as the range is. Each is grouped in the database: the server reads groups, not
 * clips. The stores' clips are counted per local day by triggers (migrations 0024 and 0025,
 * stats/): between plain dates they are not read at all, and between instants only at the range's
 * ends, outside the days whole in every store's zone.
 */
export const statsRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  const clipsIn = async (request: {
    principal: Parameters<typeof inStoreScope>[1];
    query: { storeId?: string; from?: string; to?: string; timeZone?: string };
  }) => {
    const { storeId, to, timeZone = NO_STORE_ZONE } = request.query;
    const from = request.query.from ?? defaultFrom(to);
    const problem = rangeProblem({ from, to });
    if (problem) return problem;
    if (!validTimeZone(timeZone)) return `querystring/timeZone: ${timeZone} is not a time zone this server knows`;
    const scope = request.principal ? storeScope(request.principal) : [];
    if (scope && storeId && !scope.includes(storeId)) return `no store ${storeId}`;
    const clips = (condition: Expression<SqlBool>) => {
      const query = inStoreScope(db.selectFrom('clips').where(condition), request.principal, 'clips.store_id');
      return storeId ? query.where('clips.store_id', '=', storeId) : query;
    };
    // A clip keeps its local day and hour in its store's zone (clips/press-local-time.ts), so the
    // counts read them from the clips_stats index; those of clips of no store are read in the
    // caller's zone, as the range was. COALESCE converts only those.
    const at = sql.ref<string>('clips.pressed_at');
    const zone = sql.val(timeZone);
    const local = {
      day: sql<string>`coalesce(clips.local_day, ${localDaySql(db, at, zone)})`,
      hour: sql<number>`coalesce(clips.local_hour, ${localHourSql(db, at, zone)})`,
    };
    const all = clips(await pressedRange(db, { from, to }, { noStoreZone: timeZone }));
    // Whole local days, as the console asks: the stores' clips are counted from the rows kept per
    // day (stats/), and only clips of no store from the clips.
    const plainDates = { from, to, storeId };
    if (countsByLocalDays(plainDates)) {
      return { ...local, counted: plainDates, queries: [all.where('clips.store_id', 'is', null)] };
    }
    // Instants: the local days whole in every store's zone are counted from the rows kept per day
    // too, and the rest of the range from the clips (clips/instant-range-split.ts). A local time
    // is read in each store's zone, and is counted from the clips.
    const split = await splitAtWholeLocalDays(db, { from, to }, storeId === undefined ? undefined : [storeId]);
    if (!split) return { ...local, counted: undefined, queries: [all] };
    return { ...local, counted: { ...split.days, storeId }, queries: split.clips.map(clips) };
  };

  app.get(
    '/api/v1/stats/volume',
    {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['stats'],
        summary: 'Clips per local day, per store and question (or as `groupBy` says)',
        querystring: VolumeQuery,
        response: {
          200: Type.Object({
            rows: Type.Array(
              Type.Object({
                /** Absent when not grouped by store; null: clips of no store. */
                storeId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
                /** Absent when not grouped by question; null: clips of no question. */
                questionId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
                day: Type.String(),
                clips: Type.Integer(),
              }),
            ),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const clips = await clipsIn(request);
      if (typeof clips === 'string') return reply.code(400).send({ error: clips });
      const { groupBy } = request.query;
      const grouping = {
        byStore: groupBy === 'store-question' || groupBy === 'store',
        byQuestion: groupBy === 'store-question' || groupBy === 'question',
      };
      // Grouped by what was asked only: a chain's month per store and question is tens of
      // thousands of rows, most of the answer's time, where a chart of its totals needs thirty.
      const fromClips = async (query: (typeof clips.queries)[number]): Promise<VolumeRow[]> => {
        const rows = await query
          .select((eb) => [
            grouping.byStore ? sql<string | null>`clips.store_id`.as('store') : sql<null>`null`.as('store'),
            grouping.byQuestion ? sql<string | null>`clips.question_id`.as('question') : sql<null>`null`.as('question'),
            clips.day.as('day'),
            eb.fn.countAll<number | string>().as('clips'),
          ])
          .groupBy([
            ...(grouping.byStore ? [sql`clips.store_id`] : []),
            ...(grouping.byQuestion ? [sql`clips.question_id`] : []),
            sql`day`,
          ])
          .execute();
        return rows.map((row) => {
          const counted: VolumeRow = { day: row.day, clips: Number(row.clips) };
          if (grouping.byStore) counted.storeId = row.store;
          if (grouping.byQuestion) counted.questionId = row.question;
          return counted;
        });
      };
      const rows = [
        ...(clips.counted ? await countedVolume(db, clips.counted, request.principal, grouping) : []),
        ...(await Promise.all(clips.queries.map(fromClips))).flat(),
      ];
      return { rows: inVolumeOrder(rows) };
    },
  );

  app.get(
    '/api/v1/stats/coverage',
    {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['stats'],
        summary: 'Presses per device and local hour of the day',
        querystring: Range,
        response: {
          200: Type.Object({
            devices: Type.Array(
              Type.Object({
                deviceId: Type.String(),
                hours: Type.Array(Type.Integer(), { minItems: 24, maxItems: 24 }),
              }),
            ),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const clips = await clipsIn(request);
      if (typeof clips === 'string') return reply.code(400).send({ error: clips });
      const devices = clips.counted
        ? await countedCoverage(db, clips.counted, request.principal)
        : new Map<string, number[]>();
      const pieces = await Promise.all(
        clips.queries.map((query) =>
          query
            .select((eb) => ['clips.device_id', clips.hour.as('hour'), eb.fn.countAll<number | string>().as('clips')])
            .groupBy(['clips.device_id', 'hour'])
            .execute(),
        ),
      );
      for (const row of pieces.flat()) {
        const hours = devices.get(row.device_id) ?? new Array<number>(24).fill(0);
        devices.set(row.device_id, hours);
        const hour = Number(row.hour);
        hours[hour] = (hours[hour] ?? 0) + Number(row.clips);
      }
      return {
        devices: [...devices.entries()]
          .sort(([a], [b]) => byCodeUnit(a, b))
          .map(([deviceId, hours]) => ({ deviceId, hours })),
      };
    },
  );

  app.get(
    '/api/v1/stats/transcription',
    {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['stats'],
        summary: 'Clips by transcription status per store, with the shares transcribed and failed',
        querystring: Range,
        response: {
          200: Type.Object({
            stores: Type.Array(
              Type.Object({
                storeId: Type.Union([Type.String(), Type.Null()]),
                clips: Type.Integer(),
                byStatus: Type.Record(Type.String(), Type.Integer()),
                transcribedShare: Type.Number(),
                failedShare: Type.Number(),
              }),
            ),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const clips = await clipsIn(request);
      if (typeof clips === 'string') return reply.code(400).send({ error: clips });
      const fromClips = (
        await Promise.all(
          clips.queries.map((query) =>
            query
              .select((eb) => ['clips.store_id', 'clips.status', eb.fn.countAll<number | string>().as('clips')])
              .groupBy(['clips.store_id', 'clips.status'])
              .execute(),
          ),
        )
      ).flat();
      const rows = [
        ...(clips.counted ? await countedStatuses(db, clips.counted, request.principal) : []),
        ...fromClips.map((row) => ({ storeId: row.store_id, status: row.status, clips: Number(row.clips) })),
      ];
      // Clips of no store first, then the stores by id.
      rows.sort((a, b) =>
        a.storeId === b.storeId
          ? 0
          : a.storeId === null
            ? -1
            : b.storeId === null
              ? 1
              : byCodeUnit(a.storeId, b.storeId),
      );
      const stores = new Map<string | null, Record<string, number>>();
      for (const row of rows) {
        const byStatus = stores.get(row.storeId) ?? {};
        stores.set(row.storeId, byStatus);
        byStatus[row.status] = (byStatus[row.status] ?? 0) + row.clips;
      }
      return {
        stores: [...stores.entries()].map(([storeId, byStatus]) => {
          const clips = Object.values(byStatus).reduce((a, b) => a + b, 0);
          const share = (n: number | undefined) => Math.round(((n ?? 0) / clips) * 1000) / 1000;
          return {
            storeId,
            clips,
            byStatus,
            transcribedShare: share(byStatus.transcribed),
            failedShare: share(byStatus.failed),
          };
        }),
      };
    },
  );
};
