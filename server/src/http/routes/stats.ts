import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { storeScope } from '../../access/principal.js';
import { inStoreScope } from '../../access/store-scope-sql.js';
import type { Database } from '../../db/database.js';
import { DateTime, ErrorBody, Slug } from '../schemas.js';

const Range = Type.Object(
  { storeId: Type.Optional(Slug), from: DateTime, to: DateTime },
  { additionalProperties: false },
);

/** At most this many clips are read for one report; a wider range is refused, not silently cut. */
const MAX_CLIPS = 200_000;

/**
 * Volumes managers watch: clips per store, question and local day; presses per device and local
 * hour (coverage: is the button used all day?); the share of clips transcribed or failed. Days and
 * hours are the store's own, from its time zone.
 */
export const statsRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  const clipsIn = async (request: {
    principal: Parameters<typeof inStoreScope>[1];
    query: { storeId?: string; from: string; to: string };
  }) => {
    const { storeId, from, to } = request.query;
    if (Date.parse(from) >= Date.parse(to)) return 'querystring/from must be before querystring/to';
    const scope = request.principal ? storeScope(request.principal) : [];
    if (scope && storeId && !scope.includes(storeId)) return `no store ${storeId}`;
    let query = inStoreScope(
      db
        .selectFrom('clips')
        .leftJoin('stores', 'stores.id', 'clips.store_id')
        .select([
          'clips.store_id',
          'clips.device_id',
          'clips.question_id',
          'clips.pressed_at',
          'clips.status',
          'stores.time_zone',
        ])
        .where('clips.pressed_at', '>=', new Date(from).toISOString())
        .where('clips.pressed_at', '<', new Date(to).toISOString()),
      request.principal,
      'clips.store_id',
    );
    if (storeId) query = query.where('clips.store_id', '=', storeId);
    const rows = await query.limit(MAX_CLIPS + 1).execute();
    if (rows.length > MAX_CLIPS) return `more than ${MAX_CLIPS} clips in that range: ask for a shorter one`;
    return rows;
  };

  app.get(
    '/api/v1/stats/volume',
    {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['stats'],
        summary: 'Clips per store, question and local day',
        querystring: Range,
        response: {
          200: Type.Object({
            rows: Type.Array(
              Type.Object({
                storeId: Type.Union([Type.String(), Type.Null()]),
                questionId: Type.Union([Type.String(), Type.Null()]),
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
      const rows = await clipsIn(request);
      if (typeof rows === 'string') return reply.code(400).send({ error: rows });
      const counts = new Map<
        string,
        { storeId: string | null; questionId: string | null; day: string; clips: number }
      >();
      for (const row of rows) {
        const day = localParts(row.pressed_at, row.time_zone).day;
        const key = `${row.store_id}|${row.question_id}|${day}`;
        const entry = counts.get(key) ?? { storeId: row.store_id, questionId: row.question_id, day, clips: 0 };
        entry.clips++;
        counts.set(key, entry);
      }
      return {
        rows: [...counts.values()].sort(
          (a, b) => a.day.localeCompare(b.day) || String(a.storeId).localeCompare(String(b.storeId)),
        ),
      };
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
      const rows = await clipsIn(request);
      if (typeof rows === 'string') return reply.code(400).send({ error: rows });
      const devices = new Map<string, number[]>();
      for (const row of rows) {
        const hours = devices.get(row.device_id) ?? new Array<number>(24).fill(0);
        devices.set(row.device_id, hours);
        const hour = localParts(row.pressed_at, row.time_zone).hour;
        hours[hour] = (hours[hour] ?? 0) + 1;
      }
      return {
        devices: [...devices.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
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
      const rows = await clipsIn(request);
      if (typeof rows === 'string') return reply.code(400).send({ error: rows });
      const stores = new Map<string | null, Record<string, number>>();
      for (const row of rows) {
        const byStatus = stores.get(row.store_id) ?? {};
        stores.set(row.store_id, byStatus);
        byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
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

/** The local calendar day and hour of an instant in a zone (UTC for clips of no store). */
function localParts(iso: string, zone: string | null): { day: string; hour: number } {
  const parts = formatterIn(zone ?? 'UTC').formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}

/** Making a formatter costs far more than using one, and a report reads each zone many times. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterIn(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
