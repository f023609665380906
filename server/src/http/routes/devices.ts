import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Id } from '@earshot/shared/protocol';
import { inStoreScope } from '../../access/store-scope-sql.js';
import type { Database } from '../../db/database.js';
import type { LabelSync } from '../../fleet/label-sync.js';
import { ErrorBody, IdParams, Slug } from '../schemas.js';

const Device = Type.Object({
  id: Id,
  name: Type.Union([Type.String(), Type.Null()]),
  storeId: Type.Union([Slug, Type.Null()]),
  state: Type.String(),
  lastSeenAt: Type.String(),
});
const DeviceInput = Type.Object(
  {
    storeId: Type.Union([Slug, Type.Null()]),
    name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  },
  { additionalProperties: false },
);

/** Devices: which store each stands in. A device may be registered before it first connects. */
export const devicesRoutes: FastifyPluginAsyncTypebox<{ db: Database; labels?: LabelSync | undefined }> = async (
  app,
  { db, labels },
) => {
  app.get(
    '/api/v1/devices',
    {
      config: { permission: 'devices:read' },
      schema: {
        tags: ['devices'],
        querystring: Type.Object({ storeId: Type.Optional(Slug) }, { additionalProperties: false }),
        response: { 200: Type.Array(Device) },
      },
    },
    async (request) => {
      let query = inStoreScope(db.selectFrom('devices').selectAll(), request.principal, 'devices.store_id').orderBy(
        'id',
      );
      if (request.query.storeId) query = query.where('store_id', '=', request.query.storeId);
      return (await query.execute()).map((d) => ({
        id: d.id,
        name: d.name,
        storeId: d.store_id,
        state: d.state,
        lastSeenAt: d.last_seen_at,
      }));
    },
  );

  app.put(
    '/api/v1/devices/:id',
    {
      config: { permission: 'devices:manage' },
      schema: {
        tags: ['devices'],
        summary: 'Register a device or move it to a store',
        params: IdParams,
        body: DeviceInput,
        response: { 200: Device, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { storeId, name } = request.body;
      if (storeId) {
        const store = await db.selectFrom('stores').select('id').where('id', '=', storeId).executeTakeFirst();
        if (!store) return reply.code(400).send({ error: `body/storeId: no store ${storeId}` });
      }
      const now = new Date().toISOString();
      const set = { store_id: storeId, ...(name !== undefined ? { name } : {}) };
      await db
        .insertInto('devices')
        .values({ id, state: 'unknown', version: null, state_changed_at: now, last_seen_at: now, name: null, ...set })
        .onConflict((oc) => oc.column('id').doUpdateSet(set))
        .execute();
      // Another store may map its buttons otherwise, and speak another language.
      await labels?.sync({ deviceId: id }, request.principal?.username ?? null);
      const d = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return { id: d.id, name: d.name, storeId: d.store_id, state: d.state, lastSeenAt: d.last_seen_at };
    },
  );
};
