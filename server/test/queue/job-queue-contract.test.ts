import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { createLogger } from '@earshot/shared/log';
import { type Database, postgresTarget } from '../../src/db/database.js';
import type { JobQueue } from '../../src/queue/job-queue.js';
import { PgBossJobQueue } from '../../src/queue/pg-boss-job-queue.js';
import { TableJobQueue } from '../../src/queue/job-queue.js';
import { dropSchema, testDatabase } from '../support/databases.js';

interface Fixture {
  queue: JobQueue;
  db: Database;
  /** Another queue over the same storage, as after a restart. */
  reopen: () => Promise<JobQueue>;
  close: () => Promise<void>;
}

const Q = 'transcribe';
const logger = createLogger({ name: 'test', level: 'silent' });

const KINDS: Record<string, (t: TestContext) => Promise<Fixture | undefined>> = {
  'table on sqlite': (t) => tableFixture(t, 'sqlite'),
  'table on postgres': (t) => tableFixture(t, 'postgres'),
  'pg-boss on postgres': async (t) => {
    const test = await testDatabase(t, 'postgres');
    if (!test) return undefined;
    const { connectionString, schema } = postgresTarget(test.url);
    const bossSchema = `${schema}_boss`;
    const opened: PgBossJobQueue[] = [];
    const open = async () => {
      const queue = new PgBossJobQueue(connectionString, bossSchema, logger);
      await queue.start([Q]);
      opened.push(queue);
      return queue;
    };
    return {
      queue: await open(),
      db: test.db,
      reopen: open,
      async close() {
        for (const q of opened) await q.stop();
        await dropSchema(bossSchema);
        await test.close();
      },
    };
  },
};

async function tableFixture(t: TestContext, kind: 'sqlite' | 'postgres'): Promise<Fixture | undefined> {
  const test = await testDatabase(t, kind);
  if (!test) return undefined;
  return {
    queue: new TableJobQueue(test.db),
    db: test.db,
    reopen: async () => new TableJobQueue(test.db),
    close: () => test.close(),
  };
}

const policy = (maxAttempts: number, initialDelayMs: number) => ({
  maxAttempts,
  initialDelayMs,
  maxDelayMs: initialDelayMs,
});

// One contract, every queue backend.
for (const [kind, open] of Object.entries(KINDS)) {
  describe(`job queue: ${kind}`, () => {
    const withQueue = (fn: (f: Fixture) => Promise<void>) => async (t: TestContext) => {
      const fixture = await open(t);
      if (!fixture) return;
      try {
        await fn(fixture);
      } finally {
        await fixture.close();
      }
    };

    it(
      'commits a job only with the transaction that enqueued it',
      withQueue(async ({ queue, db }) => {
        await assert.rejects(
          db.transaction().execute(async (trx) => {
            await queue.enqueue(trx, Q, { clipId: 'lost' });
            throw new Error('rolled back');
          }),
        );
        await db.transaction().execute((trx) => queue.enqueue(trx, Q, { clipId: 'kept' }));
        const job = await queue.claim<{ clipId: string }>(Q);
        assert.deepEqual(job?.payload, { clipId: 'kept' });
        assert.equal(job?.attempts, 1);
        assert.equal(await queue.claim(Q), undefined);
        await queue.complete(job);
        assert.deepEqual(await queue.counts(Q), { queued: 0, active: 0, done: 1, dead: 0 });
      }),
    );

    it(
      'waits out the backoff, retries, buries with the last error, and re-queues with fresh attempts',
      withQueue(async ({ queue, db }) => {
        await queue.enqueue(db, Q, { clipId: 'a' });
        const first = await queue.claim(Q);
        assert.ok(first);
        assert.equal(await queue.fail(first, 'HTTP 429', policy(3, 0), 60_000), 'queued');
        assert.equal(await queue.claim(Q), undefined, 'not due during Retry-After');
        assert.equal((await queue.counts(Q)).queued, 1);
        await queue.enqueue(db, Q, { clipId: 'b' });
        const second = await queue.claim<{ clipId: string }>(Q);
        assert.equal(second?.payload.clipId, 'b', 'other jobs go on');
        assert.equal(await queue.fail(second, 'HTTP 500: boom', policy(2, 0)), 'queued');
        const again = await queue.claim<{ clipId: string }>(Q);
        assert.equal(again?.payload.clipId, 'b');
        assert.equal(again?.attempts, 2);
        assert.equal(await queue.fail(again, 'HTTP 500: boom again', policy(2, 0)), 'dead');
        const [dead] = await queue.dead(Q, 10);
        assert.deepEqual(
          { payload: dead?.payload, attempts: dead?.attempts, lastError: dead?.lastError },
          { payload: { clipId: 'b' }, attempts: 2, lastError: 'HTTP 500: boom again' },
        );
        assert.equal((await queue.counts(Q)).dead, 1);
        assert.equal(await queue.requeue(Q, dead?.id ?? ''), true);
        assert.equal(await queue.requeue(Q, dead?.id ?? ''), false, 'only a dead job is re-queued');
        const revived = await queue.claim<{ clipId: string }>(Q);
        assert.equal(revived?.payload.clipId, 'b');
        assert.equal(revived?.attempts, 1);
      }),
    );

    it(
      'hands a job left active by a dead process to the next one',
      withQueue(async ({ queue, db, reopen }) => {
        await queue.enqueue(db, Q, { clipId: 'c' });
        assert.ok(await queue.claim(Q));
        const restarted = await reopen();
        assert.equal(await restarted.claim(Q), undefined);
        assert.equal(await restarted.recoverAbandoned(Q), 1);
        const job = await restarted.claim<{ clipId: string }>(Q);
        assert.equal(job?.payload.clipId, 'c');
      }),
    );
  });
}
