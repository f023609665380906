import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AuditLog } from '../../audit/audit-log.js';
import { isLocalTime, localToUtc } from '../../clips/zoned-time.js';
import type { Database } from '../../db/database.js';
import type { ClipDestroyer } from '../../retention/clip-destroyer.js';
import type { RetentionPolicy } from '../../retention/retention-policy.js';
import { ErrorBody, IdParams, Slug } from '../schemas.js';

export interface RetentionRoutesOptions {
  db: Database;
  retention: RetentionPolicy;
  destroyer: ClipDestroyer;
  audit: AuditLog;
}

const Act = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  reason: Type.String(),
  requestedBy: Type.Union([Type.String(), Type.Null()]),
  scope: Type.Record(Type.String(), Type.Unknown()),
  clipCount: Type.Integer(),
  clipIds: Type.Array(Type.String()),
  heldIds: Type.Array(Type.String()),
});

const Bound = Type.String({
  format: 'time-bound',
  description: "an instant with offset, or a local date/time read in the store's time zone",
});

/** Legal holds, erasure on request, and the record of every destruction. */
export const retentionRoutes: FastifyPluginAsyncTypebox<RetentionRoutesOptions> = async (
  app,
  { db, retention, destroyer, audit },
) => {
  app.put(
    '/api/v1/clips/:id/legal-hold',
    {
      config: { permission: 'clips:delete' },
      schema: {
        tags: ['privacy'],
        summary: 'Put a clip under legal hold (kept past retention and erasure) or release it',
        params: IdParams,
        body: Type.Object(
          { hold: Type.Boolean(), reason: Type.String({ minLength: 3, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ id: Type.String(), legalHold: Type.Boolean() }), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const clip = await db.selectFrom('clips').select('store_id').where('id', '=', id).executeTakeFirst();
      if (!clip) return reply.code(404).send({ error: `no clip ${id}` });
      await db
        .updateTable('clips')
        .set({ legal_hold: request.body.hold ? 1 : 0 })
        .where('id', '=', id)
        .execute();
      await audit.record(request, {
        action: request.body.hold ? 'clip.legal_hold' : 'clip.legal_release',
        subjectType: 'clip',
        subjectId: id,
        storeId: clip.store_id,
        details: { reason: request.body.reason },
      });
      return { id, legalHold: request.body.hold };
    },
  );

  app.post(
    '/api/v1/erasures',
    {
      config: { permission: 'clips:delete' },
      schema: {
        tags: ['privacy'],
        summary: "Erase a store's clips in a time window (a customer's request to be forgotten); returns the act",
        body: Type.Object(
          { storeId: Slug, from: Bound, to: Bound, note: Type.Optional(Type.String({ maxLength: 1000 })) },
          { additionalProperties: false },
        ),
        response: { 201: Act, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { storeId, note } = request.body;
      const store = await db.selectFrom('stores').select('time_zone').where('id', '=', storeId).executeTakeFirst();
      if (!store) return reply.code(404).send({ error: `no store ${storeId}` });
      const instant = (text: string) =>
        (isLocalTime(text) ? localToUtc(text, store.time_zone) : new Date(text)).toISOString();
      const from = instant(request.body.from);
      const to = instant(request.body.to);
      if (from >= to) return reply.code(400).send({ error: 'body/from must be before body/to' });
      const act = await retention.erase({
        storeId,
        from,
        to,
        requestedBy: request.principal?.username ?? 'unknown',
        ...(note !== undefined ? { note } : {}),
      });
      await audit.record(request, {
        action: 'clips.erase',
        subjectType: 'destruction_act',
        subjectId: String(act.id),
        storeId,
        details: { from, to, erased: act.clipCount, held: act.heldIds.length },
      });
      return reply.code(201).send(act);
    },
  );

  app.get(
    '/api/v1/destruction-acts',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['privacy'],
        summary: 'Acts of destruction (retention purges and erasures), newest first',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }),
        response: { 200: Type.Object({ items: Type.Array(Act) }) },
      },
    },
    async (request) => ({ items: await destroyer.acts(request.query.limit) }),
  );
};
