import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorBody } from '../schemas.js';
import { CONSOLE_SECURITY_HEADERS } from './console.js';

/**
 * The front-end libraries the console imports, served from node_modules as the ES modules their
 * packages ship (no CDN, no build step). Only the files named here are reachable: the URL picks
 * an entry of this table, never a path on disk.
 */
const VENDOR_FILES: Record<string, { packageName: string; file: string; type: string }> = {
  'wavesurfer.js': { packageName: 'wavesurfer.js', file: 'dist/wavesurfer.esm.js', type: 'js' },
  'wavesurfer-regions.js': { packageName: 'wavesurfer.js', file: 'dist/plugins/regions.esm.js', type: 'js' },
  'uplot.js': { packageName: 'uplot', file: 'dist/uPlot.esm.js', type: 'js' },
  'uplot.css': { packageName: 'uplot', file: 'dist/uPlot.min.css', type: 'css' },
  'qrcode.js': { packageName: 'qrcode-generator', file: 'dist/qrcode.mjs', type: 'js' },
  // flatpickr's browser build and its Russian locale, classic scripts (see widgets/date-field.js).
  'flatpickr.js': { packageName: 'flatpickr', file: 'dist/flatpickr.min.js', type: 'js' },
  'flatpickr-ru.js': { packageName: 'flatpickr', file: 'dist/l10n/ru.js', type: 'js' },
  'flatpickr.css': { packageName: 'flatpickr', file: 'dist/flatpickr.min.css', type: 'css' },
};

const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * The folder of an installed package. Found through Node's own search path rather than
 * `require.resolve('<pkg>/package.json')`, which a package's `exports` may refuse.
 */
function packageDir(packageName: string): string | undefined {
  const require = createRequire(import.meta.url);
  const roots = require.resolve.paths(packageName) ?? [];
  for (const root of roots) {
    try {
      require.resolve(join(root, packageName, 'package.json'));
      return join(root, packageName);
    } catch {
      // not installed under this root: try the next one up
    }
  }
  return undefined;
}

/** GET /console/vendor/<name>: one of the libraries in VENDOR_FILES. */
export const consoleVendorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const cache = new Map<string, Buffer>();
  app.get(
    '/console/vendor/:name',
    {
      config: { permission: 'public' },
      schema: {
        hide: true,
        params: Type.Object({ name: Type.String() }),
        response: { 200: Type.Unsafe<Buffer>({ type: 'string' }), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const entry = VENDOR_FILES[request.params.name];
      const dir = entry === undefined ? undefined : packageDir(entry.packageName);
      if (entry === undefined || dir === undefined) {
        return reply.code(404).send({ error: `no console library ${request.params.name}` });
      }
      let body = cache.get(request.params.name);
      if (body === undefined) {
        body = await readFile(join(dir, entry.file));
        cache.set(request.params.name, body);
      }
      return reply
        .type(CONTENT_TYPES[entry.type] ?? 'application/octet-stream')
        .header('cache-control', 'public, max-age=86400')
        .headers(CONSOLE_SECURITY_HEADERS)
        .send(body);
    },
  );
};
