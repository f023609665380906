import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorBody } from '../schemas.js';

/**
 * The console's files: plain ES modules and CSS, served as they are in the source tree (no build
 * step), from server/src/console/ — this file runs from server/dist/src/http/routes/.
 */
export const CONSOLE_DIR = new URL('../../../../src/console/', import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** Lowercase names in subfolders, one of the known types: nothing like `..` can get through. */
const ASSET_PATH = /^(?:[a-z0-9-]+\/)*[a-z0-9-]+\.(html|js|css|svg)$/;

/**
 * Nothing is fetched from anywhere but this server: scripts, styles and media are same-origin
 * (audio plays from the API, the waveform decodes the same bytes).
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; media-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The headers every console file is served with, its libraries included. */
export const CONSOLE_SECURITY_HEADERS = { 'content-security-policy': CONTENT_SECURITY_POLICY };

/** Where index.html names the nonce for the page's scripts to read (see styleNonce below). */
const NONCE_PLACEHOLDER = '{{style-nonce}}';

/**
 * The page itself: a fresh nonce per response lets in the one <style> element that wavesurfer.js
 * writes into its shadow root (the page hands it the nonce); inline scripts and any other inline
 * style stay refused. Never cached, as a nonce must not be reused.
 */
function pageWithStyleNonce(html: Buffer): { body: string; headers: Record<string, string> } {
  const nonce = randomBytes(16).toString('base64');
  return {
    body: html.toString('utf8').replaceAll(NONCE_PLACEHOLDER, nonce),
    headers: {
      'content-security-policy': `${CONTENT_SECURITY_POLICY}; style-src 'self' 'nonce-${nonce}'`,
      'cache-control': 'no-store',
    },
  };
}

/** The web console at /console/: a single page that signs in with a session and talks to /api/v1. */
export const consoleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const hide = { hide: true };

  app.get('/console', { config: { permission: 'public' }, schema: hide }, async (_request, reply) =>
    reply.redirect('/console/'),
  );

  app.get(
    '/console/*',
    {
      config: { permission: 'public' },
      schema: {
        ...hide,
        params: Type.Object({ '*': Type.String() }),
        response: { 200: Type.Unsafe<Buffer | string>({ type: 'string' }), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const path = request.params['*'] === '' ? 'index.html' : request.params['*'];
      const type = ASSET_PATH.exec(path)?.[1];
      const body = type === undefined ? undefined : await readFile(new URL(path, CONSOLE_DIR)).catch(() => undefined);
      if (type === undefined || body === undefined) {
        return reply.code(404).send({ error: `no console file ${path}` });
      }
      if (path === 'index.html') {
        const page = pageWithStyleNonce(body);
        return reply
          .type(CONTENT_TYPES.html ?? 'text/html')
          .headers(page.headers)
          .send(page.body);
      }
      return reply
        .type(CONTENT_TYPES[type] ?? 'application/octet-stream')
        .header('cache-control', 'no-cache')
        .headers(CONSOLE_SECURITY_HEADERS)
        .send(body);
    },
  );
};
