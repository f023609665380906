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

/** Wrapped with fastify-plugin so that its response hook counts the routes of every plugin. */
export const metricsRoutes = fastifyPlugin<{ metrics: ServerMetrics }>(async (app, { metrics }) => {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({ route: request.routeOptions.url ?? 'unknown', status: reply.statusCode });
  });
  app.get(
    '/metrics',
    { config: { permission: 'public' }, schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: false } },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
});
