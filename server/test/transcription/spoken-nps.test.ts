import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { waitFor } from '@earshot/test-kit/processes';
import { speak } from '@earshot/test-kit/speech';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { parseWav } from '@earshot/shared/wav';
import { submitClip } from '../../src/import/submit-clip.js';
import { TRANSCRIBE_QUEUE } from '../../src/ingest/clip-ingest.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { EngineRouter } from '../../src/transcription/engine-router.js';
import { PocketsphinxEngine } from '../../src/transcription/pocketsphinx-engine.js';
import { TranscriptionWorker } from '../../src/transcription/transcription-worker.js';
import { appHarness } from '../support/app-harness.js';
import { testDatabase } from '../support/databases.js';
import { ingestHarness, quietLogger, wavClip } from '../support/ingest-harness.js';

const run = promisify(execFile);

interface ApiClip {
  status: string;
  transcript: { text: string; engine: string; words: { word: string; startMs: number; endMs: number }[] } | null;
  answer: {
    value: number | null;
    source: string | null;
    reason: string;
    evidence: { word: string; startMs: number; endMs: number }[];
  } | null;
}

describe('a spoken NPS answer, end to end through pocketsphinx', () => {
  it('turns "I would give you a nine" (WAV) and "ten out of ten" (Ogg/Opus) into scores visible through the API', async (t) => {
    const test = await testDatabase(t, 'sqlite');
    assert.ok(test);
    const dir = await tempDir();
    const { db } = test;
    const blobs = new DiskBlobStore(join(dir.path, 'blobs'));
    const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
    const app = await appHarness({ db, blobs, queue, buttonMap, ingest });
    const worker = new TranscriptionWorker({
      db,
      blobs,
      queue,
      engines: new EngineRouter(
        new Map([['ps', new PocketsphinxEngine({ command: 'pocketsphinx_continuous', args: [], timeoutMs: 60_000 })]]),
        { en: 'ps' },
      ),
      retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 },
      concurrency: 2,
      pollIntervalMs: 50,
      defaultLanguage: 'en-US',
      logger: quietLogger,
    });
    try {
      await db
        .insertInto('questions')
        .values({ id: 'nps', kind: 'nps', text_en: 'Recommend?', text_ru: null })
        .execute();
      await buttonMap.addVersion('default', '', { '1': 'nps', '2': 'nps' }, new Date(0));

      const nineWav = join(dir.path, 'nine.wav');
      await speak('I would give you a nine', nineWav);
      const nine = wavClip(parseWav(await readFile(nineWav)).data, 1, new Date());

      const tenWav = join(dir.path, 'ten.wav');
      const tenOgg = join(dir.path, 'ten.ogg');
      await speak('ten out of ten', tenWav);
      await run('opusenc', ['--quiet', '--bitrate', '24', tenWav, tenOgg]);
      const tenPcm = parseWav(await readFile(tenWav)).data;
      const ten = wavClip(tenPcm, 2, new Date());
      ten.meta.container = 'ogg';
      ten.meta.codec = 'opus';
      ten.audio = await readFile(tenOgg);

      for (const clip of [nine, ten]) {
        assert.equal((await submitClip(ingest, 'pi-1', clip.meta, clip.audio)).status, 'complete');
      }
      await worker.start();
      await waitFor(
        'both clips transcribed',
        async () => {
          const counts = await queue.counts(TRANSCRIBE_QUEUE);
          return counts.done + counts.dead === 2 ? counts : undefined;
        },
        { timeoutMs: 120_000 },
      );

      const get = async (id: string) => (await app.inject({ url: `/api/v1/clips/${id}` })).json<ApiClip>();
      const nineClip = await get(nine.meta.clipId);
      assert.equal(nineClip.status, 'transcribed');
      assert.equal(nineClip.transcript?.engine, 'pocketsphinx');
      assert.match(nineClip.transcript?.text ?? '', /\bnine\b/);
      assert.equal(nineClip.answer?.value, 9, nineClip.answer?.reason);
      assert.equal(nineClip.answer?.source, 'machine');
      const [evidence] = nineClip.answer?.evidence ?? [];
      assert.equal(evidence?.word, 'nine');
      assert.ok(evidence && evidence.endMs > evidence.startMs && evidence.startMs > 0, 'the word keeps its time');

      const tenClip = await get(ten.meta.clipId);
      assert.equal(tenClip.status, 'transcribed', JSON.stringify(await queue.dead(TRANSCRIBE_QUEUE, 5)));
      assert.equal(tenClip.answer?.value, 10, `${tenClip.transcript?.text}: ${tenClip.answer?.reason}`);
    } finally {
      await worker.stop();
      await app.close();
      await dir.remove();
      await test.close();
    }
  });
});
