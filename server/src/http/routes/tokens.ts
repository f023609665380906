import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ApiTokens } from '../../access/api-tokens.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { ErrorBody } from '../schemas.js';

const TokenBody = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  name: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()], {
    description: 'when the token was last used, to the minute (null: never)',
  }),
});

/** Everyone's own API tokens; an admin sees and revokes anyone's. */
export const tokensRoutes: FastifyPluginAsyncTypebox<{ tokens: ApiTokens; audit: AuditLog }> = async (
  app,
  { tokens, audit },
) => {
  app.get(
    '/api/v1/tokens',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['access'],
        summary: 'My API tokens (an admin: everyone’s)',
        response: { 200: Type.Array(TokenBody) },
      },
    },
    async (request) => {
      const principal = request.principal;
      return tokens.list(principal?.role === 'admin' ? undefined : principal?.userId);
    },
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['access'],
        summary: 'Create an API token for myself; the token is shown only in this answer',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            days: Type.Integer({ minimum: 1, maximum: 366, default: 90 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String(), record: TokenBody }) },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (!principal) throw new Error('authenticated request without a principal');
      const created = await tokens.create(principal.userId, request.body.name, request.body.days);
      await audit.record(request, { action: 'token.create', subjectType: 'token', subjectId: created.record.id });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['access'],
        summary: 'Revoke a token',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      const revoked = await tokens.revoke(
        request.params.id,
        principal?.role === 'admin' ? undefined : principal?.userId,
      );
      if (!revoked) return reply.code(404).send({ error: `no live token ${request.params.id} of yours` });
      await audit.record(request, { action: 'token.revoke', subjectType: 'token', subjectId: request.params.id });
      return reply.code(204).send(null);
    },
  );
};
