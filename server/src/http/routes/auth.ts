import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { SESSION_COOKIE } from '../../access/access-plugin.js';
import type { ApiTokens } from '../../access/api-tokens.js';
import type { Sessions } from '../../access/sessions.js';
import type { SignInLockout } from '../../access/sign-in-lockout.js';
import { UserError, type Users } from '../../access/users.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { ErrorBody } from '../schemas.js';

export interface AuthRoutesOptions {
  users: Users;
  sessions: Sessions;
  tokens: ApiTokens;
  audit: AuditLog;
  /** Secure cookies: true whenever the console is served over HTTPS (behind a proxy or not). */
  secureCookies: boolean;
  /** Sign-in attempts per client address and minute. */
  loginAttemptsPerMinute: number;
  lockout: SignInLockout;
}

export const UserBody = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Type.String(),
  stores: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
});

const Me = Type.Object({ user: UserBody, csrfToken: Type.Optional(Type.String()) });

/** Console sign-in: a session cookie (HttpOnly, SameSite=Strict) and a CSRF token to echo. */
export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, options) => {
  const { users, sessions, tokens, audit } = options;
  await app.register(rateLimit, { global: false });

  app.post(
    '/api/v1/auth/login',
    {
      config: {
        permission: 'public',
        rateLimit: { max: options.loginAttemptsPerMinute, timeWindow: 60_000 },
      },
      schema: {
        tags: ['access'],
        summary: 'Sign in with a username and password; sets the session cookie',
        body: Type.Object(
          { username: Type.String({ maxLength: 64 }), password: Type.String({ maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: { 200: Me, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const wait = options.lockout.retryAfter(username, request.ip);
      if (wait > 0) {
        await audit.record(request, { action: 'user.login_locked', details: { retryAfterSeconds: wait } }, username);
        return reply
          .code(429)
          .header('retry-after', String(wait))
          .send({ error: `too many wrong passwords for this account from here: try again in ${wait} s` });
      }
      const user = await users.checkPassword(username, password);
      if (!user) {
        options.lockout.failed(username, request.ip);
        await audit.record(request, { action: 'user.login_failed' }, username);
        return reply.code(401).send({ error: 'wrong username or password' });
      }
      options.lockout.succeeded(username);
      // Sessions that ran out are dropped here, so the table holds live sign-ins only.
      await sessions.sweep();
      const session = await sessions.open(user.id);
      request.principal = {
        userId: user.id,
        username: user.username,
        role: user.role,
        stores: user.stores,
        via: 'session',
      };
      await audit.record(request, { action: 'user.login' });
      reply.setCookie(SESSION_COOKIE, session.sessionId, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secureCookies,
        expires: session.expiresAt,
      });
      return { user, csrfToken: session.csrfToken };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      // Public, so that signing out always works: a stale cookie is cleared all the same.
      config: { permission: 'public' },
      schema: {
        tags: ['access'],
        summary: 'End this session, or revoke the API token that calls it',
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId !== undefined) await sessions.close(sessionId);
      if (principal?.via === 'token' && principal.tokenId) await tokens.revoke(principal.tokenId, principal.userId);
      if (principal) await audit.record(request, { action: 'user.logout' });
      return reply.clearCookie(SESSION_COOKIE, { path: '/' }).code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      config: { permission: 'self', rateLimit: { max: options.loginAttemptsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['access'],
        summary: "Change one's own password; every other session and API token of the user ends",
        body: Type.Object(
          {
            currentPassword: Type.String({ maxLength: 1024 }),
            newPassword: Type.String({ maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), 400: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (!principal) throw new Error('authenticated request without a principal');
      try {
        await users.changePassword(principal.userId, request.body.currentPassword, request.body.newPassword, {
          sessionId: principal.via === 'session' ? request.cookies[SESSION_COOKIE] : undefined,
          tokenId: principal.tokenId,
        });
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        await audit.record(request, { action: 'user.password_change_refused', details: { reason: error.message } });
        return reply.code(400).send({ error: `body/${error.message}` });
      }
      await audit.record(request, {
        action: 'user.password_change',
        subjectType: 'user',
        subjectId: principal.username,
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/me',
    { config: { permission: 'self' }, schema: { tags: ['access'], summary: 'Who am I', response: { 200: Me } } },
    async (request) => {
      const principal = request.principal;
      const user = principal ? await users.byId(principal.userId) : undefined;
      if (!principal || !user) throw new Error('authenticated request without a user');
      return { user, ...(principal.csrfToken ? { csrfToken: principal.csrfToken } : {}) };
    },
  );
};
