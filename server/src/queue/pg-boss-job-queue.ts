import type { Logger } from '@earshot/shared/log';
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import PgBoss from 'pg-boss';
import {
  type DeadJob,
  type Executor,
  type Job,
  type JobQueue,
  type JobState,
  type RetryPolicy,
  retryDelayMs,
} from './job-queue.js';

/** What a pg-boss job carries: the payload and how many attempts came before. */
interface Envelope {
  payload: unknown;
  attempt: number;
}

/** Longer than any transcription takes; an active job older than this is presumed abandoned. */
const EXPIRE_SECONDS = 4 * 3600;

/**
 * The queue on pg-boss, for PostgreSQL installations with several server processes. pg-boss's own
 * retries are off (retryLimit 0): the retry policy is ours, as in the table queue, so that a
 * failure's Retry-After is honoured. A retry is a new job carrying the attempt count, sent and the
 * old one completed in one transaction; a job out of attempts is failed with its error (dead).
 */
export class PgBossJobQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly pool: pg.Pool;
  private readonly created = new Set<string>();

  constructor(
    connectionString: string,
    private readonly schema: string,
    logger: Logger,
  ) {
    this.boss = new PgBoss({ connectionString, schema, max: 4 });
    this.boss.on('error', (error) => logger.error({ err: error }, 'pg-boss error'));
    this.pool = new pg.Pool({ connectionString, max: 2 });
    this.pool.on('error', () => undefined);
  }

  async start(queues: string[]): Promise<void> {
    await this.boss.start();
    for (const queue of queues) {
      await this.boss.createQueue(queue, { name: queue, retryLimit: 0, expireInSeconds: EXPIRE_SECONDS });
      this.created.add(queue);
    }
  }

  async enqueue(executor: Executor, queue: string, payload: unknown, runAt?: Date): Promise<void> {
    this.assertCreated(queue);
    const envelope: Envelope = { payload, attempt: 0 };
    await this.boss.send(queue, envelope as object, {
      ...(runAt ? { startAfter: runAt } : {}),
      retryLimit: 0,
      db: {
        // The caller's transaction: the job commits with whatever the caller commits.
        executeSql: async (text, values) => {
          const result = await executor.executeQuery(CompiledQuery.raw(text, values as unknown[]));
          return { rows: result.rows };
        },
      },
    });
  }

  async claim<P>(queue: string): Promise<Job<P> | undefined> {
    const [job] = await this.boss.fetch<Envelope>(queue, { batchSize: 1 });
    if (!job) return undefined;
    return { id: job.id, queue, payload: job.data.payload as P, attempts: job.data.attempt + 1 };
  }

  async complete(job: Job): Promise<void> {
    await this.boss.complete(job.queue, job.id);
  }

  async fail(job: Job, error: string, policy: RetryPolicy, retryAfterMs?: number): Promise<'queued' | 'dead'> {
    const message = error.slice(0, 2000);
    if (job.attempts >= policy.maxAttempts) {
      await this.boss.fail(job.queue, job.id, { error: message, attempts: job.attempts });
      return 'dead';
    }
    const startAfter = new Date(Date.now() + retryDelayMs(job.attempts, policy, retryAfterMs));
    await this.inTransaction(async (db) => {
      const envelope: Envelope = { payload: job.payload, attempt: job.attempts };
      await this.boss.send(job.queue, envelope as object, { startAfter, retryLimit: 0, db });
      await this.boss.complete(job.queue, job.id, { retriedAfter: message }, { db });
    });
    return 'queued';
  }

  async recoverAbandoned(queue: string): Promise<number> {
    const result = await this.pool.query(
      `UPDATE "${this.schema}".job SET state = 'created', started_on = NULL WHERE name = $1 AND state = 'active'`,
      [queue],
    );
    return result.rowCount ?? 0;
  }

  async requeue(queue: string, id: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return false;
    return this.inTransaction(async (db) => {
      const { rows } = await db.executeSql(
        `DELETE FROM "${this.schema}".job WHERE name = $1 AND id = $2 AND state = 'failed' RETURNING data`,
        [queue, id],
      );
      const row = rows[0] as { data: Envelope } | undefined;
      if (!row) return false;
      const envelope: Envelope = { payload: row.data.payload, attempt: 0 };
      await this.boss.send(queue, envelope as object, { retryLimit: 0, db });
      return true;
    });
  }

  async counts(queue: string): Promise<Record<JobState, number>> {
    const { rows } = await this.pool.query<{ state: string; n: string }>(
      `SELECT state, count(*) AS n FROM "${this.schema}".job WHERE name = $1 GROUP BY state`,
      [queue],
    );
    const counts = { queued: 0, active: 0, done: 0, dead: 0 };
    for (const { state, n } of rows) {
      if (state === 'created' || state === 'retry') counts.queued += Number(n);
      else if (state === 'active') counts.active += Number(n);
      else if (state === 'completed') counts.done += Number(n);
      else if (state === 'failed') counts.dead += Number(n);
    }
    return counts;
  }

  async dead(queue: string, limit: number): Promise<DeadJob[]> {
    const { rows } = await this.pool.query<{ id: string; data: Envelope; output: { error?: string } | null; at: Date }>(
      `SELECT id, data, output, completed_on AS at FROM "${this.schema}".job
       WHERE name = $1 AND state = 'failed' ORDER BY completed_on DESC LIMIT $2`,
      [queue, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      payload: r.data.payload,
      attempts: r.data.attempt + 1,
      lastError: r.output?.error ?? null,
      updatedAt: new Date(r.at).toISOString(),
    }));
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true });
    await this.pool.end();
  }

  private async inTransaction<T>(fn: (db: PgBoss.Db) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({ executeSql: (text, values) => client.query(text, values) });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  private assertCreated(queue: string): void {
    if (!this.created.has(queue)) throw new Error(`pg-boss queue ${queue} was not created at start`);
  }
}
