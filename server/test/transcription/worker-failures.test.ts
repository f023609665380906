import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { waitFor } from '@earshot/test-kit/processes';
import { indexSignal } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { submitClip } from '../../src/import/submit-clip.js';
import { TRANSCRIBE_QUEUE } from '../../src/ingest/clip-ingest.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { EngineRouter } from '../../src/transcription/engine-router.js';
import { OpenAiEngine } from '../../src/transcription/openai-engine.js';
import { TranscriptionWorker } from '../../src/transcription/transcription-worker.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { formOf, httpDouble, json } from '../support/http-double.js';
import { ingestHarness, quietLogger, wavClip } from '../support/ingest-harness.js';

type Behaviour = 'ok' | 'http500' | 'timeout' | 'rate-limited' | 'malformed';

// On both databases: the report's SQL and the worker's transactions must work on each.
for (const kind of DATABASE_KINDS) {
  describe(`transcription worker against a failing engine on ${kind}`, () => {
    it('retries, then dead-letters each failure with a readable error, while the other jobs go through', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      const dir = await tempDir();
      const behaviourOf = new Map<string, Behaviour>();
      const seen = new Map<Behaviour, number[]>();
      const double = await httpDouble((req, res) => {
        void formOf(req).then(async (form) => {
          const file = Buffer.from(await (form.get('file') as File).arrayBuffer());
          const behaviour = behaviourOf.get(createHash('sha256').update(file).digest('hex')) ?? 'ok';
          seen.set(behaviour, [...(seen.get(behaviour) ?? []), Date.now()]);
          if (behaviour === 'http500') return json(res, 500, { error: { message: 'model crashed' } });
          if (behaviour === 'timeout') return; // never answers
          if (behaviour === 'malformed') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>oops');
          if (behaviour === 'rate-limited' && seen.get(behaviour)?.length === 1) {
            return json(res, 429, { error: { message: 'slow down' } }, { 'retry-after': '1' });
          }
          json(res, 200, { text: 'I would give you a nine', words: null, duration: 2 });
        });
      });
      try {
        const { db } = test;
        const { ingest, buttonMap, queue } = ingestHarness(db, new DiskBlobStore(dir.path));
        await db
          .insertInto('questions')
          .values({ id: 'nps', kind: 'nps', text_en: 'Recommend?', text_ru: null })
          .execute();
        await buttonMap.addVersion('default', '', { '1': 'nps' }, new Date(0));
        const behaviours: Behaviour[] = ['http500', 'ok', 'timeout', 'rate-limited', 'malformed', 'ok'];
        const clipOf = new Map<string, string>();
        for (const [i, behaviour] of behaviours.entries()) {
          const clip = wavClip(indexSignal(8000, i * 10_000), 1, new Date(Date.UTC(2026, 0, 1, 0, i)));
          behaviourOf.set(createHash('sha256').update(clip.audio).digest('hex'), behaviour);
          clipOf.set(`${behaviour}${i}`, clip.meta.clipId);
          assert.equal((await submitClip(ingest, 'pi-1', clip.meta, clip.audio)).status, 'complete');
        }

        const worker = new TranscriptionWorker({
          db,
          blobs: new DiskBlobStore(dir.path),
          queue,
          engines: new EngineRouter(
            new Map([['whisper', new OpenAiEngine({ url: double.url, model: 'base', timeoutMs: 300 })]]),
            { '*': 'whisper' },
          ),
          retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10 },
          concurrency: 2,
          pollIntervalMs: 20,
          defaultLanguage: 'en-US',
          logger: quietLogger,
        });
        await worker.start();
        try {
          await waitFor('every job done or dead', async () => {
            const counts = await queue.counts(TRANSCRIBE_QUEUE);
            return counts.done + counts.dead === behaviours.length ? counts : undefined;
          });
        } finally {
          await worker.stop();
        }

        assert.deepEqual(await queue.counts(TRANSCRIBE_QUEUE), { queued: 0, active: 0, done: 3, dead: 3 });
        const dead = await queue.dead(TRANSCRIBE_QUEUE, 10);
        const errorOf = (key: string) => dead.find((d) => (d.payload as { clipId: string }).clipId === clipOf.get(key));
        assert.match(
          errorOf('http5000')?.lastError ?? '',
          /^openai: POST \/v1\/audio\/transcriptions answered HTTP 500: .*model crashed/,
        );
        assert.match(
          errorOf('timeout2')?.lastError ?? '',
          /^openai: POST \/v1\/audio\/transcriptions timed out after 300 ms$/,
        );
        assert.match(errorOf('malformed4')?.lastError ?? '', /^openai: malformed response, not JSON: <html>oops/);
        for (const d of dead) assert.equal(d.attempts, 2, 'retried once before burial');
        assert.equal(seen.get('http500')?.length, 2);

        const [first, second] = seen.get('rate-limited') ?? [];
        assert.ok(first !== undefined && second !== undefined, 'the rate-limited clip was tried twice');
        assert.ok(second - first >= 1000, `Retry-After (1 s) honoured: retried after ${second - first} ms`);

        const clips = await db
          .selectFrom('clips')
          .leftJoin('answers', 'answers.clip_id', 'clips.id')
          .select(['clips.id', 'clips.status', 'answers.value'])
          .execute();
        const statusOf = (key: string) => clips.find((c) => c.id === clipOf.get(key));
        for (const key of ['http5000', 'timeout2', 'malformed4']) assert.equal(statusOf(key)?.status, 'failed');
        for (const key of ['ok1', 'rate-limited3', 'ok5']) {
          assert.equal(statusOf(key)?.status, 'transcribed');
          assert.equal(statusOf(key)?.value, 9);
        }

        assert.equal(await queue.requeue(TRANSCRIBE_QUEUE, errorOf('http5000')?.id ?? ''), true);
        assert.equal((await queue.counts(TRANSCRIBE_QUEUE)).queued, 1);
      } finally {
        await double.close();
        await dir.remove();
        await test.close();
      }
    });
  });
}
