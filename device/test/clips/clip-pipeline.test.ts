import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { createLogger } from '@earshot/shared/log';
import { parseWav } from '@earshot/shared/wav';
import { waitFor } from '@earshot/test-kit/processes';
import { indexAt, indexSignal } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { Capture } from '../../src/audio/capture.js';
import type { Clock } from '../../src/audio/clock.js';
import { ClipCutter } from '../../src/clips/clip-cutter.js';
import { type ClipEncoder, WavEncoder } from '../../src/clips/clip-encoder.js';
import { ClipJournal } from '../../src/clips/clip-journal.js';
import { ClipPipeline } from '../../src/clips/clip-pipeline.js';
import { OpusEncoder } from '../../src/clips/opus-encoder.js';
import { Outbox } from '../../src/outbox/outbox.js';

const RATE = 1000;
const format = { sampleRate: RATE, channels: 1, bitsPerSample: 16 } as const;
const logger = createLogger({ name: 'pipeline-test', level: 'silent' });
const CANCEL_WITHIN_MS = 10_000;

async function rig(t: TestContext, encoder: ClipEncoder = new WavEncoder()) {
  const dir = await tempDir();
  t.after(() => dir.remove());
  let mono = 0;
  const clock: Clock & { advance(ms: number): void } = {
    monotonicMs: () => mono,
    wallMs: () => Date.parse('2026-01-01T10:00:00Z') + mono,
    advance(ms) {
      mono += ms;
    },
  };
  const capture = new Capture({
    sampleRate: RATE,
    frameBytes: 2,
    capacityFrames: 20 * RATE,
    channels: 1,
    micDeadSeconds: 30,
    clock,
  });
  const journalDir = join(dir.path, 'recording');
  /** A daemon's clip machinery over the state directory; a second one is the daemon after a restart. */
  const daemon = async (withEncoder = encoder) => {
    const outbox = new Outbox(join(dir.path, 'outbox'), logger);
    await outbox.open();
    const journal = new ClipJournal(journalDir, 2, 0, logger);
    await journal.open();
    const pipeline = new ClipPipeline({
      format,
      encoder: withEncoder,
      journal,
      outbox,
      captureSession: 'session1',
      clockSync: () => ({ synchronized: true, offsetMs: 1.5 }),
      cancelWithinMs: CANCEL_WITHIN_MS,
      clock,
      logger,
      onStored: () => undefined,
    });
    return { outbox, journal, pipeline };
  };
  const first = await daemon();
  const cutter = new ClipCutter(capture, RATE, clock, first.pipeline);
  let next = 0;
  const play = (ms: number, step = 100) => {
    for (let done = 0; done < ms; done += step) {
      clock.advance(step);
      capture.audio(indexSignal(step, next));
      next += step;
    }
  };
  const journalFiles = async () => (await readdir(journalDir)).sort();
  const journalFrames = async (clipId: string) =>
    (await stat(join(journalDir, `${clipId}.pcm`)).catch(() => ({ size: -2 }))).size / 2;
  return { ...first, daemon, cutter, clock, play, journalDir, journalFiles, journalFrames };
}

const press = (clipId: string) => ({ clipId, button: 3, preSeconds: 2, postSeconds: 1 });

describe('ClipPipeline', () => {
  it('saves the pre-roll to disk at the press, appends the post-roll, then moves the clip to the outbox', async (t) => {
    const r = await rig(t);
    r.play(5000);
    r.cutter.press(press('a'));
    await waitFor('the pre-roll on disk', async () => ((await r.journalFrames('a')) === 2000 ? true : undefined));
    assert.deepEqual(await r.journalFiles(), ['a.json', 'a.pcm']);
    r.play(500);
    await waitFor('the post-roll appended', async () => ((await r.journalFrames('a')) === 2500 ? true : undefined));
    r.play(500);
    await r.pipeline.idle();
    assert.deepEqual(await r.journalFiles(), [], 'the journal entry is dropped once the clip is in the outbox');
    const [entry] = await r.outbox.list();
    assert.ok(entry);
    assert.equal(entry.meta.clipId, 'a');
    assert.equal(entry.meta.durationMs, 3000);
    assert.equal(entry.meta.interrupted, undefined);
    assert.deepEqual(entry.meta.clock, { synchronized: true, offsetMs: 1.5 });
    assert.equal(entry.meta.startAt, '2026-01-01T10:00:03.000Z');
    const wav = parseWav(await r.outbox.readAudio(entry));
    assert.equal(wav.data.length, 3000 * 2);
    assert.equal(indexAt(wav.data, 0), 3000);
    assert.equal(indexAt(wav.data, 2999), 5999);
  });

  it('finalises after a restart a clip cut off during its post-roll, flagged interrupted', async (t) => {
    const r = await rig(t);
    r.play(5000);
    r.cutter.press(press('cut-off'));
    r.play(400);
    await waitFor('the audio on disk', async () => ((await r.journalFrames('cut-off')) === 2400 ? true : undefined));
    // The process dies here: nothing more is written. A new daemon starts over the same directory.
    const restarted = await r.daemon();
    // A clip pressed after the restart, before recovery ran: it is recording, not unfinished.
    await writeFile(join(r.journalDir, 'pressed-since.pcm'), Buffer.alloc(2000));
    await writeFile(join(r.journalDir, 'pressed-since.json'), '{}');
    await restarted.pipeline.recover();
    assert.deepEqual(await r.journalFiles(), ['pressed-since.json', 'pressed-since.pcm']);
    const [entry] = await restarted.outbox.list();
    assert.ok(entry);
    assert.equal(entry.meta.interrupted, true);
    assert.equal(entry.meta.durationMs, 2400);
    assert.equal(entry.meta.endFrame - entry.meta.startFrame, 2400);
    assert.equal(entry.meta.endAt, '2026-01-01T10:00:05.400Z');
    const wav = parseWav(await restarted.outbox.readAudio(entry));
    assert.equal(wav.data.length, 2400 * 2);
    assert.equal(indexAt(wav.data, 0), 3000);
    assert.equal(indexAt(wav.data, 2399), 5399);
  });

  it('cancels the newest clip while it records or waits in the outbox, never one delivered or too old', async (t) => {
    const r = await rig(t);
    r.play(5000);
    r.cutter.press(press('recording'));
    r.play(300);
    assert.deepEqual(r.pipeline.cancelLast(), { clipId: 'recording' });
    r.cutter.cancel('recording');
    r.play(1000);
    r.cutter.press(press('stored'));
    r.play(1000);
    await r.pipeline.idle();
    assert.equal((await r.outbox.list()).length, 1);
    assert.deepEqual(r.pipeline.cancelLast(), { clipId: 'stored' });
    await r.pipeline.idle();
    assert.deepEqual(await r.outbox.list(), []);
    assert.deepEqual(await r.journalFiles(), []);
    assert.equal(r.pipeline.cancelLast(), undefined, 'nothing left to cancel');

    r.cutter.press(press('delivered'));
    r.play(1000);
    await r.pipeline.idle();
    r.pipeline.delivered('delivered');
    assert.equal(r.pipeline.cancelLast(), undefined, 'a delivered clip cannot be cancelled');

    r.cutter.press(press('old'));
    r.play(1000);
    r.clock.advance(CANCEL_WITHIN_MS);
    assert.equal(r.pipeline.cancelLast(), undefined, 'too long after its press');
    await r.pipeline.idle();
    // (Removing a delivered clip from the outbox is the uplink's job, not done here.)
    assert.deepEqual(
      (await r.outbox.list()).map((e) => e.meta.clipId),
      ['delivered', 'old'],
    );
  });

  it('stores the clip as WAV when the encoder fails, losing nothing', async (t) => {
    const r = await rig(t, new OpusEncoder({ bitrateKbps: 24, command: 'opusenc-not-installed' }));
    r.play(5000);
    r.cutter.press(press('fallback'));
    r.play(1000);
    await r.pipeline.idle();
    const [entry] = await r.outbox.list();
    assert.ok(entry);
    assert.equal(entry.meta.container, 'wav');
    assert.equal(parseWav(await r.outbox.readAudio(entry)).data.length, 3000 * 2);
  });
});
