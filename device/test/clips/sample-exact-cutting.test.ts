import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { ClipGap } from '@earshot/shared/protocol';
import { indexAt, indexSignal } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { Capture } from '../../src/audio/capture.js';
import type { Clock } from '../../src/audio/clock.js';
import { FileSource } from '../../src/audio/file-source.js';
import { ClipCutter } from '../../src/clips/clip-cutter.js';

const RATE = 16_000;
const format = { sampleRate: RATE, channels: 1, bitsPerSample: 16 } as const;

/**
 * Clips cut from a file source played unpaced (as fast as it is read) whose every sample holds
 * its own index mod 65536: the first and last sample of a clip say exactly which frames it holds.
 */
async function rig(t: TestContext) {
  const dir = await tempDir();
  t.after(() => dir.remove());
  let mono = 0;
  const clock: Clock & { advance(ms: number): void } = {
    monotonicMs: () => mono,
    wallMs: () => mono,
    advance(ms) {
      mono += ms;
    },
  };
  const capture = new Capture({
    sampleRate: RATE,
    frameBytes: 2,
    capacityFrames: 60 * RATE,
    channels: 1,
    micDeadSeconds: 30,
    clock,
  });
  const clips = new Map<string, { pcm: Buffer; gaps: ClipGap[] }>();
  const cutter = new ClipCutter(capture, RATE, clock, {
    started: (clip, pcm, gaps) => clips.set(clip.clipId, { pcm, gaps }),
    audio: (clipId, pcm) => {
      const clip = clips.get(clipId);
      if (clip) clip.pcm = Buffer.concat([clip.pcm, pcm]);
    },
    ended: (clipId, gaps) => {
      const clip = clips.get(clipId);
      if (clip) clip.gaps = gaps;
    },
  });
  /** Plays `seconds` of index signal starting at sample `first` through an unpaced file source. */
  const playFile = async (name: string, seconds: number, first: number) => {
    const path = join(dir.path, `${name}.raw`);
    await writeFile(path, indexSignal(seconds * RATE, first));
    // The file's audio "arrives" at once, at the end of the time it covers.
    clock.advance(seconds * 1000);
    new FileSource({ path, format, loop: false, pace: 'unpaced', clock }).start(capture);
  };
  const press = (clipId: string, atFrame: number, preSeconds: number, postSeconds: number) =>
    cutter.pressAtFrame({ clipId, button: 1, preSeconds, postSeconds }, atFrame);
  return { capture, clock, clips, playFile, press };
}

/** Frame index (mod 65536) of the first and last sample, and the length in frames. */
const span = (pcm: Buffer | undefined) =>
  pcm ? [indexAt(pcm, 0), indexAt(pcm, pcm.length / 2 - 1), pcm.length / 2] : undefined;

describe('sample-exact cutting from an unpaced file source', () => {
  it('cuts presses at the start, in the middle, and overlapping, to the exact frame', async (t) => {
    const r = await rig(t);
    await r.playFile('a', 40, 0);
    r.press('start', 1 * RATE, 10, 5);
    r.press('middle', 20 * RATE + 7, 10, 5);
    r.press('overlap', 23 * RATE + 11, 10, 5);
    const start = r.clips.get('start');
    assert.deepEqual(span(start?.pcm), [0, (6 * RATE - 1) & 0xffff, 6 * RATE], 'truncated to the first frame');
    assert.deepEqual(span(r.clips.get('middle')?.pcm), [(10 * RATE + 7) & 0xffff, (25 * RATE + 6) & 0xffff, 15 * RATE]);
    assert.deepEqual(span(r.clips.get('overlap')?.pcm), [
      (13 * RATE + 11) & 0xffff,
      (28 * RATE + 10) & 0xffff,
      15 * RATE,
    ]);
    // Every sample in between is the next frame: nothing dropped or repeated.
    const middle = r.clips.get('middle')?.pcm as Buffer;
    for (let i = 1; i < middle.length / 2; i++) {
      assert.equal(indexAt(middle, i), (indexAt(middle, i - 1) + 1) & 0xffff);
    }
  });

  it('cuts across a gap: audio before it exact, the gap silent and reported, audio after it exact', async (t) => {
    const r = await rig(t);
    await r.playFile('before', 10, 0);
    r.capture.interrupted('recorder exited');
    // 1.5 s without audio, then the recorder is back with the next part of the signal.
    r.clock.advance(1500);
    await r.playFile('after', 10, 10 * RATE);
    const gapStart = 10 * RATE;
    const gapFrames = 1.5 * RATE;
    r.press('across', gapStart + gapFrames + 2 * RATE, 5, 1);
    const clip = r.clips.get('across');
    assert.ok(clip);
    assert.deepEqual(clip.gaps, [{ startMs: 1500, durationMs: 1500 }]);
    const firstGapSample = 1.5 * RATE;
    assert.equal(indexAt(clip.pcm, 0), (8.5 * RATE) & 0xffff);
    assert.equal(indexAt(clip.pcm, firstGapSample - 1), (10 * RATE - 1) & 0xffff);
    for (let i = firstGapSample; i < firstGapSample + gapFrames; i++) assert.equal(indexAt(clip.pcm, i), 0);
    assert.equal(indexAt(clip.pcm, firstGapSample + gapFrames), (10 * RATE) & 0xffff);
    assert.equal(clip.pcm.length / 2, 6 * RATE);
  });
});
