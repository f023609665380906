import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { openDatabase } from '../../src/db/database.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { ClipIngest } from '../../src/ingest/clip-ingest.js';
import { TableJobQueue } from '../../src/queue/job-queue.js';
import { ButtonMap } from '../../src/questions/button-map.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { EngineRouter } from '../../src/transcription/engine-router.js';
import { OpenAiEngine } from '../../src/transcription/openai-engine.js';
import { TranscriptionWorker } from '../../src/transcription/transcription-worker.js';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher.js';
import { WEBHOOK_QUEUE, Webhooks } from '../../src/webhooks/webhooks.js';
import { httpDouble, json } from '../support/http-double.js';
import { quietLogger, wavClip } from '../support/ingest-harness.js';

const SECRET = 'a-secret-of-sixteen-or-more';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('webhooks', () => {
  it('signs each event, retries a failing receiver, and announces stored clips, transcripts and detractors', async () => {
    const dir = await tempDir();
    const db = await openDatabase(`sqlite:${join(dir.path, 'earshot.db')}`);
    const received: Received[] = [];
    let failFirst = true;
    const receiver = await httpDouble((req, res) => {
      if (failFirst) {
        failFirst = false;
        return json(res, 503, { error: 'busy' });
      }
      received.push({ headers: req.headers, body: req.body.toString('utf8') });
      json(res, 200, {});
    });
    const engine = await httpDouble((_req, res) =>
      json(res, 200, { text: 'would you recommend us? maybe a three', words: null, duration: 1 }),
    );
    try {
      const queue = new TableJobQueue(db);
      const buttonMap = new ButtonMap(db);
      await db
        .insertInto('questions')
        .values({ id: 'nps', kind: 'nps', text_en: 'Recommend?', text_ru: null })
        .execute();
      await buttonMap.addVersion('default', '', { '1': 'nps' }, new Date(0));
      const webhooks = new Webhooks(
        [
          {
            name: 'tickets',
            url: receiver.url,
            secret: SECRET,
            events: ['clip.stored', 'answer.detractor'],
            includeTranscript: true,
          },
          { name: 'quiet', url: receiver.url, secret: SECRET, events: ['transcript.ready'], includeTranscript: false },
        ],
        queue,
      );
      const blobs = new DiskBlobStore(join(dir.path, 'clips'));
      const ingest = new ClipIngest({ db, blobs, queue, buttonMap, maxResends: 1, logger: quietLogger, webhooks });
      const clip = wavClip(indexSignal(1600), 1, new Date('2026-05-01T10:00:00Z'));
      assert.equal((await submitClip(ingest, 'pi-1', clip.meta, clip.audio)).status, 'complete');

      const worker = new TranscriptionWorker({
        db,
        blobs,
        queue,
        webhooks,
        engines: new EngineRouter(
          new Map([['whisper', new OpenAiEngine({ url: engine.url, model: 'm', timeoutMs: 5000 })]]),
          {
            '*': 'whisper',
          },
        ),
        retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10 },
        concurrency: 1,
        pollIntervalMs: 20,
        defaultLanguage: 'en-US',
        logger: quietLogger,
      });
      assert.equal(await worker.runOnce(), true);

      const dispatcher = new WebhookDispatcher({
        webhooks,
        queue,
        retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1 },
        timeoutMs: 5000,
        pollIntervalMs: 20,
        logger: quietLogger,
      });
      // Three events: clip.stored (tickets), answer.detractor (tickets), transcript.ready (quiet).
      // The first delivery meets a 503 and waits its turn again.
      for (let i = 0; i < 10 && received.length < 3; i++) {
        await dispatcher.runOnce();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(received.length, 3);
      const counts = await queue.counts(WEBHOOK_QUEUE);
      assert.deepEqual([counts.done, counts.dead, counts.queued], [3, 0, 0]);

      const events = received.map((r) => {
        const [t, v1] = String(r.headers['x-earshot-signature'])
          .split(',')
          .map((part) => part.split('=')[1]);
        const expected = createHmac('sha256', SECRET).update(`${t}.${r.body}`).digest('hex');
        assert.equal(v1, expected, 'the signature checks out with the shared secret');
        assert.ok(Math.abs(Date.now() / 1000 - Number(t)) < 600, 'a fresh timestamp');
        const body = JSON.parse(r.body) as { id: string; event: string; data: Record<string, unknown> };
        assert.equal(r.headers['x-earshot-event'], body.event);
        assert.equal(r.headers['x-earshot-delivery'], body.id);
        return body;
      });
      const byEvent = new Map(events.map((e) => [e.event, e.data]));
      assert.deepEqual([...byEvent.keys()].sort(), ['answer.detractor', 'clip.stored', 'transcript.ready']);
      assert.equal(byEvent.get('clip.stored')?.clipId, clip.meta.clipId);
      assert.equal(byEvent.get('clip.stored')?.questionId, 'nps');
      assert.equal(byEvent.get('answer.detractor')?.score, 3);
      assert.equal(byEvent.get('answer.detractor')?.transcript, 'would you recommend us? maybe a three');
      assert.equal(byEvent.get('transcript.ready')?.npsScore, 3);
      assert.equal(byEvent.get('transcript.ready')?.transcript, undefined, 'no transcript unless the hook asks for it');
      const jobs = await db.selectFrom('jobs').select('payload_json').where('queue', '=', WEBHOOK_QUEUE).execute();
      assert.ok(
        jobs.every((j) => !j.payload_json.includes(SECRET)),
        'no secret in the job table',
      );
    } finally {
      await receiver.close();
      await engine.close();
      await db.destroy();
      await dir.remove();
    }
  });
});
