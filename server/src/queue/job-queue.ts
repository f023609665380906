import type { Kysely, Transaction } from 'kysely';
import type { DatabaseSchema, JobsTable } from '../db/schema.js';

export interface Job<P = unknown> {
  id: number;
  queue: string;
  payload: P;
  attempts: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

type Executor = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/**
 * A durable job queue in a table of the server's own database. Enqueueing takes the caller's
 * transaction, so a clip and its transcription job are committed together or not at all. A job
 * is claimed by flipping it to `active` in one statement; a failure reschedules it with
 * exponential backoff until the policy's attempts run out, then it stays `dead` with its last
 * error until re-queued.
 */
export class JobQueue {
  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async enqueue(executor: Executor, queue: string, payload: unknown, runAt: Date = this.now()): Promise<void> {
    const at = this.now().toISOString();
    await executor
      .insertInto('jobs')
      .values({
        queue,
        payload_json: JSON.stringify(payload),
        state: 'queued',
        attempts: 0,
        run_at: runAt.toISOString(),
        last_error: null,
        created_at: at,
        updated_at: at,
      })
      .execute();
  }

  /** Takes the oldest due job of `queue`, or undefined when none is due. */
  async claim<P>(queue: string): Promise<Job<P> | undefined> {
    const now = this.now().toISOString();
    const row = await this.db
      .updateTable('jobs')
      .set((eb) => ({ state: 'active', attempts: eb('attempts', '+', 1), updated_at: now }))
      .where(
        'id',
        '=',
        this.db
          .selectFrom('jobs')
          .select('id')
          .where('queue', '=', queue)
          .where('state', '=', 'queued')
          .where('run_at', '<=', now)
          .orderBy('run_at')
          .orderBy('id')
          .limit(1),
      )
      .where('state', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    return row ? toJob<P>(row) : undefined;
  }

  async complete(id: number): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ state: 'done', updated_at: this.now().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  /** Reschedules the job, or buries it when it has used up its attempts. Returns its new state. */
  async fail(job: Job, error: string, policy: RetryPolicy, retryAfterMs?: number): Promise<'queued' | 'dead'> {
    const now = this.now();
    const dead = job.attempts >= policy.maxAttempts;
    const backoff = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (job.attempts - 1));
    const delay = Math.max(backoff, retryAfterMs ?? 0);
    await this.db
      .updateTable('jobs')
      .set({
        state: dead ? 'dead' : 'queued',
        last_error: error.slice(0, 2000),
        run_at: new Date(now.getTime() + delay).toISOString(),
        updated_at: now.toISOString(),
      })
      .where('id', '=', job.id)
      .execute();
    return dead ? 'dead' : 'queued';
  }

  /** Jobs left `active` by a process that died are due again. */
  async recoverAbandoned(queue: string): Promise<number> {
    const result = await this.db
      .updateTable('jobs')
      .set({ state: 'queued', updated_at: this.now().toISOString() })
      .where('queue', '=', queue)
      .where('state', '=', 'active')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async counts(queue: string): Promise<Record<JobsTable['state'], number>> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('queue', '=', queue)
      .groupBy('state')
      .execute();
    const counts = { queued: 0, active: 0, done: 0, dead: 0 };
    for (const row of rows) counts[row.state] = Number(row.n);
    return counts;
  }
}

function toJob<P>(row: { id: number; queue: string; payload_json: string; attempts: number }): Job<P> {
  return { id: row.id, queue: row.queue, payload: JSON.parse(row.payload_json) as P, attempts: row.attempts };
}
