import type { Logger } from '@earshot/shared/log';
import type { ServerConfig } from '../config/server-config.js';
import { type Database, postgresTarget } from '../db/database.js';
import { TRANSCRIBE_QUEUE } from '../ingest/clip-ingest.js';
import { type JobQueue, TableJobQueue } from './job-queue.js';
import { PgBossJobQueue } from './pg-boss-job-queue.js';

/** The table queue in the server's database, or pg-boss (PostgreSQL only) in its own schema. */
export async function openQueue(config: ServerConfig, db: Database, logger: Logger): Promise<JobQueue> {
  if (config.queue.backend !== 'pg-boss' || !config.database.url) return new TableJobQueue(db);
  const { connectionString, schema } = postgresTarget(config.database.url);
  const queue = new PgBossJobQueue(connectionString, schema ? `${schema}_pgboss` : 'pgboss', logger);
  await queue.start([TRANSCRIBE_QUEUE]);
  return queue;
}
