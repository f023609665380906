import fastifyCookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { ApiTokens } from './api-tokens.js';
import type { Principal } from './principal.js';
import { grants, PUBLIC, type RoutePermission } from './roles.js';
import type { Sessions } from './sessions.js';
import type { Users } from './users.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a caller needs to use the route; every route registered after the access plugin must say. */
    permission?: RoutePermission;
    /** A public route that checks the Authorization header itself (/metrics and its own token). */
    ownAuthorization?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every route registered after the access plugin, with what it needs: for the authorisation test and audits. */
    routePermissions: RouteEntry[];
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  permission: RoutePermission;
}

export const SESSION_COOKIE = 'earshot_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AccessOptions {
  users: Users;
  tokens: ApiTokens;
  sessions: Sessions;
}

/**
 * Authentication and authorisation for every route. A caller is a bearer API token or a session
 * cookie; a route's `config.permission` says what it needs, checked against the caller's role
 * before the handler runs. Registering a route without a permission fails at start-up, so no
 * route is open by omission. Session callers must echo their CSRF token on state-changing
 * requests; token callers need not (a browser never sends a bearer token by itself).
 * Store scope is the routes' business (principal.ts): they answer 404 for what is out of scope,
 * so ids of other stores' clips cannot even be confirmed to exist.
 */
export const accessPlugin = fastifyPlugin<AccessOptions>(async (app, { users, tokens, sessions }) => {
  await app.register(fastifyCookie);
  app.decorateRequest('principal', null);
  const routePermissions: RouteEntry[] = [];
  app.decorate('routePermissions', routePermissions);

  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission;
    if (permission === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no permission (config.permission)`);
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routePermissions.push({ method, url: route.url, permission });
    }
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // Routes registered before this plugin (the docs UI) and the not-found handler are public.
    const permission = request.routeOptions.config.permission ?? PUBLIC;
    if (permission === PUBLIC && request.routeOptions.config.ownAuthorization === true) return;
    const identified = await identify(request);
    if (identified === 'invalid') {
      return reply.code(401).send({ error: 'the API token is invalid, expired or revoked' });
    }
    if (identified === 'stale-session') {
      // A cookie left from an ended session (user deleted, database reset, signed out elsewhere)
      // is no session at all: clearing it keeps the browser from being locked out of sign-in.
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
    }
    request.principal = identified === 'stale-session' ? null : (identified ?? null);
    if (permission === PUBLIC) return;
    const principal = request.principal;
    if (!principal) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="earshot"')
        .send({ error: 'sign in first: send "Authorization: Bearer <token>" or log in at /api/v1/auth/login' });
    }
    if (principal.via === 'session' && !SAFE_METHODS.has(request.method)) {
      if (request.headers[CSRF_HEADER] !== principal.csrfToken) {
        return reply.code(403).send({ error: `missing or wrong ${CSRF_HEADER} header` });
      }
    }
    if (!grants(principal.role, permission)) {
      return reply.code(403).send({ error: `a ${principal.role} may not do this (needs ${permission})` });
    }
  });

  async function identify(request: FastifyRequest): Promise<Principal | undefined | 'invalid' | 'stale-session'> {
    const authorization = request.headers.authorization;
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const token = match?.[1] ? await tokens.resolve(match[1]) : undefined;
      return token ? principalOf(token.userId, { via: 'token', tokenId: token.id }) : 'invalid';
    }
    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId === undefined) return undefined;
    const session = await sessions.resolve(sessionId);
    const principal = session
      ? await principalOf(session.userId, { via: 'session', csrfToken: session.csrfToken })
      : 'invalid';
    return principal === 'invalid' ? 'stale-session' : principal;
  }

  /** The live user behind a token or session; a disabled or deleted one makes the credential invalid. */
  async function principalOf(
    userId: string,
    how: Pick<Principal, 'via' | 'tokenId' | 'csrfToken'>,
  ): Promise<Principal | 'invalid'> {
    const user = await users.byId(userId);
    if (!user || user.disabled) return 'invalid';
    return { userId: user.id, username: user.username, role: user.role, stores: user.stores, ...how };
  }
});
