import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '@earshot/test-kit/processes';
import { indexSignal } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { submitClip } from '../../src/import/submit-clip.js';
import { TRANSCRIBE_QUEUE } from '../../src/ingest/clip-ingest.js';
import { TableJobQueue } from '../../src/queue/job-queue.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { EngineRouter } from '../../src/transcription/engine-router.js';
import type { TranscriptionEngine } from '../../src/transcription/transcript.js';
import { TranscriptionWorker } from '../../src/transcription/transcription-worker.js';
import { testDatabase } from '../support/databases.js';
import { ingestHarness, quietLogger, wavClip } from '../support/ingest-harness.js';

describe('transcription worker across a restart', () => {
  it('finishes after the restart the job that was in flight when it stopped', async (t) => {
    const test = await testDatabase(t, 'sqlite');
    assert.ok(test);
    const dir = await tempDir();
    try {
      const { db } = test;
      const blobs = new DiskBlobStore(dir.path);
      const { ingest } = ingestHarness(db, blobs);
      const clip = wavClip(indexSignal(1600), 1, new Date());
      await submitClip(ingest, 'pi-1', clip.meta, clip.audio);

      let started = false;
      // An engine that hears the clip but never answers until it is aborted.
      const hanging: TranscriptionEngine = {
        name: 'hanging',
        transcribe: (_audio, _language, signal) =>
          new Promise((_resolve, reject) => {
            started = true;
            signal?.addEventListener('abort', () => reject(new Error('aborted')));
          }),
      };
      const answering: TranscriptionEngine = {
        name: 'answering',
        transcribe: async (audio, language) => ({
          text: 'nine',
          words: [],
          engine: 'answering',
          language,
          durationMs: audio.durationMs,
        }),
      };
      const worker = (engine: TranscriptionEngine) =>
        new TranscriptionWorker({
          db,
          blobs,
          queue: new TableJobQueue(db),
          engines: new EngineRouter(new Map([['e', engine]]), { '*': 'e' }),
          retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 },
          concurrency: 1,
          pollIntervalMs: 20,
          defaultLanguage: 'en',
          logger: quietLogger,
        });

      const first = worker(hanging);
      await first.start();
      await waitFor('the engine to start', async () => (started ? true : undefined));
      await first.stop();
      const queue = new TableJobQueue(db);
      assert.deepEqual(await queue.counts(TRANSCRIBE_QUEUE), { queued: 0, active: 1, done: 0, dead: 0 });

      const second = worker(answering);
      await second.start();
      try {
        await waitFor('the job to be done', async () =>
          (await queue.counts(TRANSCRIBE_QUEUE)).done === 1 ? true : undefined,
        );
      } finally {
        await second.stop();
      }
      const row = await db.selectFrom('clips').select('status').executeTakeFirstOrThrow();
      assert.equal(row.status, 'transcribed');
      const [dead] = await queue.dead(TRANSCRIBE_QUEUE, 1);
      assert.equal(dead, undefined, 'the abort at stop is not counted as a failure');
    } finally {
      await dir.remove();
      await test.close();
    }
  });
});
