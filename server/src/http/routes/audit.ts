import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AuditLog } from '../../audit/audit-log.js';
import { DateTime } from '../schemas.js';

const AuditEventBody = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  userId: Type.Union([Type.String(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  subjectType: Type.String(),
  subjectId: Type.String(),
  storeId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

/** The audit log, for admins: who listened to, exported, scored or deleted what. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditLog }> = async (app, { audit }) => {
  app.get(
    '/api/v1/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['access'],
        summary: 'Audit events, newest first',
        querystring: Type.Object(
          {
            from: Type.Optional(DateTime),
            to: Type.Optional(DateTime),
            username: Type.Optional(Type.String({ maxLength: 64 })),
            action: Type.Optional(Type.String({ maxLength: 64 })),
            subjectId: Type.Optional(Type.String({ maxLength: 64 })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            before: Type.Optional(
              // The maximum is PostgreSQL's integer: a larger id cannot exist, and would fail the query.
              Type.Integer({
                minimum: 1,
                maximum: 2_147_483_647,
                description: 'id of the last event of the previous page',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(AuditEventBody) }) },
      },
    },
    async (request) => ({ items: await audit.query(request.query) }),
  );
};
