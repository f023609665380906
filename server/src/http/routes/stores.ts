import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import type { Selectable } from 'kysely';
import { inStoreScope } from '../../access/store-scope-sql.js';
import { restampLocalTimes } from '../../clips/press-local-time.js';
import type { Database } from '../../db/database.js';
import type { LabelSync } from '../../fleet/label-sync.js';
import type { StoresTable } from '../../db/schema.js';
import { OpeningHours, openingHoursProblem, unknownDayProblem } from '../../fleet/opening-hours.js';
import { ErrorBody, Language, Slug, TimeZone, validTimeZone } from '../schemas.js';

const Store = Type.Object({
  id: Slug,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  location: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
  timeZone: TimeZone,
  language: Language,
  /** In the store's time zone; null: always open (offline alerts at any hour). */
  openingHours: Type.Union([OpeningHours, Type.Null()]),
});
type Store = Static<typeof Store>;
const StoreInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    location: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    timeZone: TimeZone,
    language: Language,
    openingHours: Type.Optional(Type.Union([OpeningHours, Type.Null()])),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ id: Slug });

/** Stores: where devices stand, in which time zone, speaking which language. */
export const storesRoutes: FastifyPluginAsyncTypebox<{ db: Database; labels?: LabelSync | undefined }> = async (
  app,
  { db, labels },
) => {
  app.get(
    '/api/v1/stores',
    {
      config: { permission: 'stores:read' },
      schema: { tags: ['stores'], summary: 'All stores', response: { 200: Type.Array(Store) } },
    },
    async (request) =>
      (
        await inStoreScope(db.selectFrom('stores').selectAll(), request.principal, 'stores.id').orderBy('id').execute()
      ).map(toStore),
  );

  app.get(
    '/api/v1/stores/:id',
    {
      config: { permission: 'stores:read' },
      schema: { tags: ['stores'], params: Params, response: { 200: Store, 404: ErrorBody } },
    },
    async (request, reply) => {
      const row = await inStoreScope(db.selectFrom('stores').selectAll(), request.principal, 'stores.id')
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      return row ? toStore(row) : reply.code(404).send({ error: `no store ${request.params.id}` });
    },
  );

  app.put(
    '/api/v1/stores/:id',
    {
      config: { permission: 'stores:manage' },
      preValidation: async (request, reply) => {
        const problem = unknownDayProblem((request.body as { openingHours?: unknown } | null)?.openingHours);
        if (problem) return reply.code(400).send({ error: `body/openingHours${problem}` });
      },
      schema: {
        tags: ['stores'],
        summary: 'Create or update a store',
        params: Params,
        body: StoreInput,
        response: { 200: Store, 201: Store, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { name, location, timeZone, language } = request.body;
      const openingHours = request.body.openingHours ?? null;
      if (!validTimeZone(timeZone))
        return reply.code(400).send({ error: `body/timeZone: unknown time zone ${timeZone}` });
      const hoursProblem = openingHours === null ? undefined : openingHoursProblem(openingHours);
      if (hoursProblem) return reply.code(400).send({ error: `body/openingHours${hoursProblem}` });
      const existing = await db
        .selectFrom('stores')
        .select(['id', 'time_zone'])
        .where('id', '=', id)
        .executeTakeFirst();
      const values = {
        name,
        location: location ?? null,
        time_zone: timeZone,
        language,
        opening_hours_json: openingHours === null ? null : JSON.stringify(openingHours),
      };
      const restamped = await db.transaction().execute(async (trx) => {
        if (existing) await trx.updateTable('stores').set(values).where('id', '=', id).execute();
        else
          await trx
            .insertInto('stores')
            .values({ id, ...values, created_at: new Date().toISOString() })
            .execute();
        // Clips keep their local day and hour: a new zone writes them again, with the store, so
        // that no count reads a mix of the two zones.
        return existing && existing.time_zone !== timeZone ? restampLocalTimes(trx, id, timeZone) : 0;
      });
      if (restamped > 0) request.log.info({ storeId: id, timeZone, clips: restamped }, 'local days of clips rewritten');
      // Labels are in the store's language.
      if (existing) await labels?.sync({ storeId: id }, request.principal?.username ?? null);
      return reply
        .code(existing ? 200 : 201)
        .send({ id, name, location: location ?? null, timeZone, language, openingHours });
    },
  );
};

function toStore(row: Selectable<StoresTable>): Store {
  return {
    id: row.id,
    name: row.name,
    location: row.location,
    timeZone: row.time_zone,
    language: row.language,
    openingHours: row.opening_hours_json === null ? null : (JSON.parse(row.opening_hours_json) as OpeningHours),
  };
}
