import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../../db/database.js';

export interface HealthOptions {
  db: Database;
  /** Whether the server's MQTT client is connected to its broker. */
  brokerConnected: () => boolean;
}

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Boolean(),
  broker: Type.Boolean(),
});

/** Liveness and readiness in one: 200 when the database answers and the broker is connected. */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { db, brokerConnected }) => {
  app.get(
    '/healthz',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Health of the server and its dependencies',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const database = await sql`select 1`.execute(db).then(
        () => true,
        () => false,
      );
      const broker = brokerConnected();
      const ok = database && broker;
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', database, broker });
    },
  );
};
