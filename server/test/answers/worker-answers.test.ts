import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempDir } from '@earshot/test-kit/temp-dir';
import type { AnswerForm, TargetedRecogniser, TimeSpan } from '../../src/answers/answer.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { TRANSCRIBE_QUEUE } from '../../src/ingest/clip-ingest.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { EngineRouter } from '../../src/transcription/engine-router.js';
import type { TranscriptionEngine } from '../../src/transcription/transcript.js';
import { TranscriptionWorker } from '../../src/transcription/transcription-worker.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { ingestHarness, quietLogger, wavClip } from '../support/ingest-harness.js';
import { spoken } from './spoken.js';

/** The demo's problem: the engine hears "nine out of ten" as "mine out of ten". */
const misheard = spoken(
  { atMs: 1000, text: 'how likely are you to recommend us to a friend' },
  { atMs: 6000, text: 'I would say mine out of ten' },
);
const engine: TranscriptionEngine = {
  name: 'fake',
  transcribe: async (_audio, language) => ({
    text: misheard.map((w) => w.word).join(' '),
    words: misheard,
    engine: 'fake',
    language,
    durationMs: 20000,
  }),
};

for (const kind of DATABASE_KINDS) {
  describe(`the transcription worker reads and stores the answer (${kind})`, () => {
    it('combines the targeted re-recognition of the window, and never overwrites a person’s answer', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      const dir = await tempDir();
      const { db } = test;
      const asked: { window: TimeSpan; form: AnswerForm; language: string }[] = [];
      const targeted: TargetedRecogniser = {
        name: 'grammar',
        recognise: async (_audio, window, form, language) => {
          asked.push({ window, form, language });
          const nine = { word: 'nine', startMs: 7200, endMs: 7500, confidence: 0.9 };
          return {
            source: 'targeted',
            value: 9,
            confidence: 0.9,
            reason: '"nine" in the score grammar',
            evidence: [nine],
          };
        },
      };
      try {
        const { ingest, buttonMap, queue } = ingestHarness(db, new DiskBlobStore(dir.path));
        await db
          .insertInto('questions')
          .values({ id: 'nps', kind: 'nps', text_en: 'How likely are you to recommend us to a friend?', text_ru: null })
          .execute();
        await buttonMap.addVersion('default', '', { '1': 'nps' }, new Date(0));
        const clip = wavClip(Buffer.alloc(16000 * 2 * 20), 1, new Date('2026-04-01T10:00:00Z'));
        assert.equal((await submitClip(ingest, 'pi-1', clip.meta, clip.audio)).status, 'complete');
        const worker = new TranscriptionWorker({
          db,
          blobs: new DiskBlobStore(dir.path),
          queue,
          engines: new EngineRouter(new Map([['fake', engine]]), { '*': 'fake' }),
          retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 },
          concurrency: 1,
          pollIntervalMs: 20,
          defaultLanguage: 'en-US',
          logger: quietLogger,
          targeted: (language) => (language.startsWith('en') ? targeted : undefined),
        });
        assert.equal(await worker.runOnce(), true);
        assert.deepEqual(asked, [{ window: { startMs: 4900, endMs: 14000 }, form: 'nps', language: 'en-US' }]);
        const row = await db
          .selectFrom('answers')
          .selectAll()
          .where('clip_id', '=', clip.meta.clipId)
          .executeTakeFirstOrThrow();
        assert.deepEqual([row.value, row.source, row.needs_review, row.question_heard], [9, 'machine', 0, 1]);
        const machine = JSON.parse(row.machine_json) as { readings: { source: string; value: number | null }[] };
        assert.deepEqual(
          machine.readings.map((r) => [r.source, r.value]),
          [
            ['transcript', null],
            ['targeted', 9],
          ],
        );

        // A person says 6; transcribing again (a re-queued job) keeps it in force.
        const human = {
          human_value: 6,
          human_by: 'u-1',
          human_at: '2026-04-02T00:00:00.000Z',
          value: 6,
          source: 'human' as const,
        };
        await db.updateTable('answers').set(human).where('clip_id', '=', clip.meta.clipId).execute();
        await queue.enqueue(db, TRANSCRIBE_QUEUE, { clipId: clip.meta.clipId });
        assert.equal(await worker.runOnce(), true);
        const again = await db
          .selectFrom('answers')
          .selectAll()
          .where('clip_id', '=', clip.meta.clipId)
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          [again.value, again.source, again.human_value, again.human_by, again.human_at, again.machine_value],
          [6, 'human', 6, 'u-1', human.human_at, 9],
        );
      } finally {
        await dir.remove();
        await test.close();
      }
    });
  });
}
