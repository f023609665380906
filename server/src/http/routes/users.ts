import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ROLES } from '../../access/roles.js';
import { UserError, type Users } from '../../access/users.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { ErrorBody, Slug } from '../schemas.js';
import { UserBody } from './auth.js';

const Params = Type.Object({
  username: Type.String({
    pattern: '^[a-z0-9][a-z0-9._-]{1,63}$',
    description: 'a username of 2 to 64 lowercase letters, digits, dots, _ or -, starting with a letter or digit',
  }),
});
const UserInput = Type.Object(
  {
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
    stores: Type.Optional(Type.Array(Slug, { maxItems: 1000, description: "a manager's stores" })),
    password: Type.Optional(Type.String({ minLength: 12, maxLength: 1024 })),
    generatePassword: Type.Optional(Type.Boolean({ description: 'make a password and return it, once' })),
  },
  { additionalProperties: false },
);

/** Admins manage people: roles, managers' stores, passwords. */
export const usersRoutes: FastifyPluginAsyncTypebox<{ users: Users; audit: AuditLog }> = async (
  app,
  { users, audit },
) => {
  app.get(
    '/api/v1/users',
    { config: { permission: 'users:manage' }, schema: { tags: ['access'], response: { 200: Type.Array(UserBody) } } },
    async () => users.list(),
  );

  app.put(
    '/api/v1/users/:username',
    {
      config: { permission: 'users:manage' },
      schema: {
        tags: ['access'],
        summary: 'Create or update a user',
        params: Params,
        body: UserInput,
        response: {
          200: Type.Object({ user: UserBody, generatedPassword: Type.Optional(Type.String()) }),
          201: Type.Object({ user: UserBody, generatedPassword: Type.Optional(Type.String()) }),
          400: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const existed = (await users.byUsername(request.params.username)) !== undefined;
      try {
        const result = await users.upsert({ username: request.params.username, ...request.body });
        await audit.record(request, {
          action: existed ? 'user.update' : 'user.create',
          subjectType: 'user',
          subjectId: result.user.username,
          details: {
            role: result.user.role,
            stores: result.user.stores,
            passwordChanged: request.body.password !== undefined || request.body.generatePassword === true,
          },
        });
        return reply.code(existed ? 200 : 201).send(result);
      } catch (error) {
        if (error instanceof UserError) return reply.code(400).send({ error: `body/${error.message}` });
        throw error;
      }
    },
  );

  app.delete(
    '/api/v1/users/:username',
    {
      config: { permission: 'users:manage' },
      schema: {
        tags: ['access'],
        summary: 'Disable a user',
        params: Params,
        response: { 204: Type.Null(), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      if (!(await users.disable(request.params.username))) {
        return reply.code(404).send({ error: `no active user ${request.params.username}` });
      }
      await audit.record(request, { action: 'user.disable', subjectType: 'user', subjectId: request.params.username });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/users/:username/enable',
    {
      config: { permission: 'users:manage' },
      schema: {
        tags: ['access'],
        summary: 'Re-enable a disabled user (their old sessions and tokens stay ended)',
        params: Params,
        response: { 200: UserBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { username } = request.params;
      if (!(await users.enable(username))) return reply.code(404).send({ error: `no disabled user ${username}` });
      await audit.record(request, { action: 'user.enable', subjectType: 'user', subjectId: username });
      return users.byUsername(username);
    },
  );
};
