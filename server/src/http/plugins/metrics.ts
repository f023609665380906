import { createHash, timingSafeEqual } from 'node:crypto';
import fastifyPlugin from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { JobQueue } from '../../queue/job-queue.js';

/** The server's Prometheus metrics; ingest and queue report into it. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly clipsStored = new Counter({
    name: 'earshot_clips_stored_total',
    help: 'Clips stored since the server started',
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'earshot_http_requests_total',
    help: 'HTTP requests by route and status code',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  constructor(queue: JobQueue, queueName: string) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'earshot_jobs',
      help: 'Transcription jobs by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await queue.counts(queueName);
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
  }
}

/**
 * Wrapped with fastify-plugin so that its response hook counts the routes of every plugin.
 * Without a token, /metrics answers this machine only. With a token, /metrics checks it itself: Prometheus sends it as a bearer token, which is no
 * API token, so the access plugin leaves this route's Authorization header alone.
 */
export const metricsRoutes = fastifyPlugin<{ metrics: ServerMetrics; token: string | undefined }>(
  async (app, { metrics, token }) => {
    app.addHook('onResponse', async (request, reply) => {
      metrics.httpRequests.inc({ route: request.routeOptions.url ?? 'unknown', status: reply.statusCode });
    });
    const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
    app.get(
      '/metrics',
      {
        config: { permission: 'public', ownAuthorization: true },
        schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: false },
      },
      async (request, reply) => {
        // Without a token only this machine may scrape: an exporter beside the server, or an
        // operator's curl; anyone else must be given the token.
        if (!expected && !isLoopback(request.ip)) {
          return reply.code(403).send({ error: '/metrics answers other hosts only with http.metricsToken set' });
        }
        if (expected && !timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
          return reply
            .code(401)
            .header('www-authenticate', 'Bearer realm="earshot-metrics"')
            .send({ error: 'send "Authorization: Bearer <http.metricsToken>"' });
        }
        reply.type(metrics.registry.contentType);
        return metrics.registry.metrics();
      },
    );
  },
);

/** Equal-length digests, so that comparing them takes the same time whatever was sent. */
const digest = (text: string) => createHash('sha256').update(text).digest();

/** 127.0.0.0/8, ::1, and IPv4 loopback as IPv6 sees it. */
function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}
