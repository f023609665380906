// Transcription queue throughput: jobs through enqueue -> claim -> complete, and through the whole
// worker with a no-op engine, against raw INSERT + DELETE of a row in the same database.
import { report } from '@earshot/test-kit/bench';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { indexSignal } from '@earshot/test-kit/signals';
import { createLogger } from '@earshot/shared/log';
import { sql } from 'kysely';
import { postgresTarget } from '../src/db/database.js';
import { submitClip } from '../src/import/submit-clip.js';
import { TRANSCRIBE_QUEUE } from '../src/ingest/clip-ingest.js';
import { type JobQueue, TableJobQueue } from '../src/queue/job-queue.js';
import { PgBossJobQueue } from '../src/queue/pg-boss-job-queue.js';
import { DiskBlobStore } from '../src/storage/disk-blob-store.js';
import { EngineRouter } from '../src/transcription/engine-router.js';
import type { TranscriptionEngine } from '../src/transcription/transcript.js';
import { TranscriptionWorker } from '../src/transcription/transcription-worker.js';
import { dropSchema, testDatabase } from '../test/support/databases.js';
import { ingestHarness, wavClip } from '../test/support/ingest-harness.js';

const JOBS = 300;
const logger = createLogger({ name: 'bench', level: 'silent' });
const skip = { skip: (reason: string) => process.stderr.write(`queue bench skipped: ${reason}\n`) };

const noop: TranscriptionEngine = {
  name: 'noop',
  transcribe: async (audio, language) => ({
    text: '',
    words: [],
    engine: 'noop',
    language,
    durationMs: audio.durationMs,
  }),
};

for (const [name, kind] of [
  ['table.sqlite', 'sqlite'],
  ['table.postgres', 'postgres'],
  ['pg-boss', 'postgres'],
] as const) {
  const test = await testDatabase(skip as never, kind);
  if (!test) continue;
  const dir = await tempDir();
  let bossSchema: string | undefined;
  let queue: JobQueue;
  if (name === 'pg-boss') {
    const { connectionString, schema } = postgresTarget(test.url);
    bossSchema = `${schema}_boss`;
    const boss = new PgBossJobQueue(connectionString, bossSchema, logger);
    await boss.start([TRANSCRIBE_QUEUE, 'bench']);
    queue = boss;
  } else {
    queue = new TableJobQueue(test.db);
  }
  try {
    const { db } = test;
    await sql`create table bench_rows (id integer primary key, payload text)`.execute(db);
    let start = performance.now();
    for (let i = 0; i < JOBS; i++) {
      await sql`insert into bench_rows (id, payload) values (${i}, ${'{"clipId":"x"}'})`.execute(db);
      await sql`delete from bench_rows where id = ${i}`.execute(db);
    }
    const baseline = JOBS / ((performance.now() - start) / 1000);

    start = performance.now();
    for (let i = 0; i < JOBS; i++) {
      await queue.enqueue(db, 'bench', { clipId: String(i) });
      const job = await queue.claim('bench');
      if (!job) throw new Error('no job claimed');
      await queue.complete(job);
    }
    const cycle = JOBS / ((performance.now() - start) / 1000);
    report(`queue.${name}.enqueue-claim-complete`, cycle, 'jobs/s', { name: 'raw-insert-delete', value: baseline });

    // The whole worker: clips stored, then transcribed by an engine that does nothing.
    const blobs = new DiskBlobStore(dir.path);
    const { ingest, buttonMap } = ingestHarness(db, blobs);
    // The ingest harness enqueues on the table queue; for pg-boss each clip's job is sent there too.
    await buttonMap.addVersion('default', '', {}, new Date(0));
    const clips = 100;
    for (let i = 0; i < clips; i++) {
      const clip = wavClip(indexSignal(1600, i), 1, new Date(Date.UTC(2026, 0, 1, 0, 0, i)));
      await submitClip(ingest, 'pi-1', clip.meta, clip.audio);
      if (name === 'pg-boss') await queue.enqueue(db, TRANSCRIBE_QUEUE, { clipId: clip.meta.clipId });
    }
    const worker = new TranscriptionWorker({
      db,
      blobs,
      queue,
      engines: new EngineRouter(new Map([['noop', noop]]), { '*': 'noop' }),
      retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 },
      concurrency: 1,
      pollIntervalMs: 10,
      defaultLanguage: 'en',
      logger,
    });
    start = performance.now();
    while (await worker.runOnce());
    const transcribed = clips / ((performance.now() - start) / 1000);
    report(`queue.${name}.worker-noop-engine`, transcribed, 'clips/s', { name: 'raw-insert-delete', value: baseline });
  } finally {
    await queue.stop();
    if (bossSchema) await dropSchema(bossSchema);
    await dir.remove();
    await test.close();
  }
}
