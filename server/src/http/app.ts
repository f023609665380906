import type { Logger } from '@earshot/shared/log';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { Database } from '../db/database.js';
import type { BlobStore } from '../storage/blob-store.js';
import { VERSION } from '../version.js';
import { metricsRoutes, type ServerMetrics } from './plugins/metrics.js';
import { clipsRoutes } from './routes/clips.js';
import { healthRoutes } from './routes/health.js';

export interface AppOptions {
  db: Database;
  blobs: BlobStore;
  metrics: ServerMetrics;
  logger: Logger;
  brokerConnected: () => boolean;
}

/** The HTTP API: each feature a plugin with its schemas beside it; OpenAPI at /docs. */
export async function buildApp(options: AppOptions) {
  const app = Fastify({
    loggerInstance: options.logger,
    disableRequestLogging: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every error leaves as {"error": "..."}: validation errors name the part and field
  // ("querystring/limit must be <= 500"), server faults say nothing internal.
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: status >= 500 ? 'internal server error' : error.message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );

  await app.register(swagger, {
    openapi: {
      info: { title: 'Earshot API', version: VERSION, description: 'Clips of in-store feedback and what they say.' },
      tags: [
        { name: 'clips', description: 'Recorded answers' },
        { name: 'operations', description: 'Health and metrics' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(metricsRoutes, { metrics: options.metrics });
  await app.register(healthRoutes, { db: options.db, brokerConnected: options.brokerConnected });
  await app.register(clipsRoutes, { db: options.db, blobs: options.blobs });
  return app;
}
