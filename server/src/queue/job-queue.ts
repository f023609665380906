import type { Kysely, Transaction } from 'kysely';
import type { DatabaseSchema } from '../db/schema.js';

export interface Job<P = unknown> {
  /** Opaque: a table row number or a pg-boss uuid, as a string. */
  id: string;
  queue: string;
  payload: P;
  /** This attempt's number, from 1. */
  attempts: number;
}

export interface DeadJob {
  id: string;
  payload: unknown;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
}

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export type JobState = 'queued' | 'active' | 'done' | 'dead';

export type Executor = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/**
 * A durable job queue. Enqueueing takes the caller's transaction, so a clip and its transcription
 * job are committed together or not at all. A failed job is rescheduled with exponential backoff
 * (or later, when the failure says when to retry) until the policy's attempts run out; it then
 * stays dead with its last error until re-queued.
 */
export interface JobQueue {
  enqueue(executor: Executor, queue: string, payload: unknown, runAt?: Date): Promise<void>;
  /** Takes the oldest due job of `queue`, or undefined when none is due. */
  claim<P>(queue: string): Promise<Job<P> | undefined>;
  complete(job: Job): Promise<void>;
  /** Reschedules the job, or buries it when it has used up its attempts. Returns its new state. */
  fail(job: Job, error: string, policy: RetryPolicy, retryAfterMs?: number): Promise<'queued' | 'dead'>;
  /** Jobs left active by a process that died are due again. */
  recoverAbandoned(queue: string): Promise<number>;
  /** Makes a dead job due again with fresh attempts; false when there is no such dead job. */
  requeue(queue: string, id: string): Promise<boolean>;
  counts(queue: string): Promise<Record<JobState, number>>;
  dead(queue: string, limit: number): Promise<DeadJob[]>;
  stop(): Promise<void>;
}

/** The delay before the next attempt after attempt number `attempts` failed. */
export function retryDelayMs(attempts: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const backoff = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempts - 1));
  return Math.max(backoff, retryAfterMs ?? 0);
}

/** The queue in a table of the server's own database: the embedded mode. A claim is one statement. */
export class TableJobQueue implements JobQueue {
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
    return row
      ? { id: String(row.id), queue: row.queue, payload: JSON.parse(row.payload_json) as P, attempts: row.attempts }
      : undefined;
  }

  async complete(job: Job): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ state: 'done', updated_at: this.now().toISOString() })
      .where('id', '=', Number(job.id))
      .execute();
  }

  async fail(job: Job, error: string, policy: RetryPolicy, retryAfterMs?: number): Promise<'queued' | 'dead'> {
    const now = this.now();
    const dead = job.attempts >= policy.maxAttempts;
    await this.db
      .updateTable('jobs')
      .set({
        state: dead ? 'dead' : 'queued',
        last_error: error.slice(0, 2000),
        run_at: new Date(now.getTime() + retryDelayMs(job.attempts, policy, retryAfterMs)).toISOString(),
        updated_at: now.toISOString(),
      })
      .where('id', '=', Number(job.id))
      .execute();
    return dead ? 'dead' : 'queued';
  }

  async recoverAbandoned(queue: string): Promise<number> {
    const result = await this.db
      .updateTable('jobs')
      .set({ state: 'queued', updated_at: this.now().toISOString() })
      .where('queue', '=', queue)
      .where('state', '=', 'active')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async requeue(queue: string, id: string): Promise<boolean> {
    if (!/^[0-9]{1,15}$/.test(id)) return false;
    const now = this.now().toISOString();
    const result = await this.db
      .updateTable('jobs')
      .set({ state: 'queued', attempts: 0, run_at: now, updated_at: now })
      .where('id', '=', Number(id))
      .where('queue', '=', queue)
      .where('state', '=', 'dead')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async counts(queue: string): Promise<Record<JobState, number>> {
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

  async dead(queue: string, limit: number): Promise<DeadJob[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('queue', '=', queue)
      .where('state', '=', 'dead')
      .orderBy('updated_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: String(r.id),
      payload: JSON.parse(r.payload_json) as unknown,
      attempts: r.attempts,
      lastError: r.last_error,
      updatedAt: r.updated_at,
    }));
  }

  async stop(): Promise<void> {}
}
