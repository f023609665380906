import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { createLogger } from '@earshot/shared/log';
import type { ClipGap } from '@earshot/shared/protocol';
import { deferrer } from '@earshot/test-kit/cleanup';
import { waitFor } from '@earshot/test-kit/processes';
import { type PulseServer, startPulse } from '@earshot/test-kit/pulse';
import { requireService } from '@earshot/test-kit/services';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { Capture } from '../../src/audio/capture.js';
import { systemClock } from '../../src/audio/clock.js';
import { RecorderSource } from '../../src/audio/recorder-source.js';
import { ClipCutter } from '../../src/clips/clip-cutter.js';

const RATE = 16_000;
const format = { sampleRate: RATE, channels: 1, bitsPerSample: 16 } as const;

/**
 * The real recorder (arecord through node-record-lpcm16) capturing a PulseAudio null sink in real
 * time, failing in each of the ways a recorder fails.
 */
describe('RecorderSource supervising a real arecord', () => {
  let pulse: PulseServer | undefined;

  before(async () => {
    pulse = await startPulse().catch(() => undefined);
    if (pulse) process.env.PULSE_SERVER = pulse.env.PULSE_SERVER;
  });
  after(async () => {
    await pulse?.stop();
  });

  async function rig(t: TestContext, defer = deferrer(t)) {
    const available = await requireService(t, 'PulseAudio', async () => {
      if (!pulse) throw new Error('pulseaudio did not start (apt-get install pulseaudio pulseaudio-utils)');
    });
    if (!available) return undefined;
    const capture = new Capture({
      sampleRate: RATE,
      frameBytes: 2,
      capacityFrames: 60 * RATE,
      channels: 1,
      micDeadSeconds: 30,
      clock: systemClock,
    });
    const source = new RecorderSource({
      recorder: 'arecord',
      device: 'pulse',
      format,
      stallTimeoutMs: 3000,
      restartInitialMs: 200,
      restartMaxMs: 1000,
      clock: systemClock,
      logger: createLogger({ name: 'recorder-test', level: 'silent' }),
    });
    const ended: { clipId: string; gaps: ClipGap[] }[] = [];
    const cutter = new ClipCutter(capture, RATE, systemClock, {
      started: () => undefined,
      audio: () => undefined,
      ended: (clipId, gaps) => ended.push({ clipId, gaps }),
    });
    source.start(capture);
    defer(() => source.stop());
    await waitFor('audio from arecord', async () => (capture.ring.endFrame >= RATE ? true : undefined));
    const startedAt = performance.now();
    const startFrame = capture.ring.endFrame;
    /** Seconds of audio gained minus seconds elapsed: stays near 0 if outages are filled correctly. */
    const drift = () => (capture.ring.endFrame - startFrame) / RATE - (performance.now() - startedAt) / 1000;
    return { capture, source, cutter, ended, drift };
  }

  /** Waits for a restart and fresh audio after it; returns the gap recorded for the outage. */
  async function outage(t: TestContext, r: NonNullable<Awaited<ReturnType<typeof rig>>>, reason: RegExp) {
    const before = r.capture.gapsRecorded;
    await waitFor('capture to resume after a gap', async () =>
      r.capture.gapsRecorded > before && r.capture.ring.endFrame > 0 ? true : undefined,
    );
    const end = r.capture.ring.endFrame;
    await waitFor('more audio after the gap', async () =>
      r.capture.ring.endFrame > end + RATE / 2 ? true : undefined,
    );
    const [gap] = r.capture.gapsIn(0, r.capture.ring.endFrame).slice(-1);
    assert.ok(gap);
    assert.match(gap.reason, reason);
    assert.match(r.source.lastFailure ?? '', reason);
    t.diagnostic(`gap ${(gap.frames / RATE).toFixed(3)} s (${gap.reason}); drift ${r.drift().toFixed(3)} s`);
    return gap;
  }

  it('restarts arecord after SIGKILL and fills the outage with a gap that keeps time', async (t) => {
    const r = await rig(t);
    if (!r) return;
    // A clip whose window spans the outage: pressed now, 2 s before and 4 s after.
    r.cutter.press({ clipId: 'around-kill', button: 1, preSeconds: 2, postSeconds: 4 });
    process.kill(r.source.pid as number, 'SIGKILL');
    const gap = await outage(t, r, /signal SIGKILL/);
    assert.ok(gap.frames > 0);
    assert.equal(r.source.restarts, 1);
    assert.ok(Math.abs(r.drift()) < 0.5, `audio held tracks elapsed time (drift ${r.drift().toFixed(3)} s)`);
    await waitFor('the clip around the outage', async () => (r.ended.length === 1 ? true : undefined));
    const [clip] = r.ended;
    assert.equal(clip?.gaps.length, 1, 'the clip says where audio is missing');
    assert.ok((clip?.gaps[0]?.durationMs ?? 0) > 0);
  });

  it('kills and restarts a recorder stalled by SIGSTOP once no bytes arrive for the stall timeout', async (t) => {
    const r = await rig(t);
    if (!r) return;
    const stalled = r.source.pid as number;
    process.kill(stalled, 'SIGSTOP');
    const gap = await outage(t, r, /no audio from arecord/);
    assert.notEqual(r.source.pid, stalled);
    // The outage lasted at least the stall timeout.
    assert.ok(gap.frames >= 3 * RATE * 0.9, `gap of ${gap.frames} frames`);
    assert.ok(Math.abs(r.drift()) < 0.5, `audio held tracks elapsed time (drift ${r.drift().toFixed(3)} s)`);
  });

  it('treats a clean exit of arecord as a failure and restarts it', async (t) => {
    // A real arecord that stops by itself after 1 s with status 0, first on the PATH.
    const defer = deferrer(t);
    const bin = await tempDir('earshot-bin-');
    defer(() => bin.remove());
    const wrapper = join(bin.path, 'arecord');
    await writeFile(wrapper, '#!/bin/sh\nexec /usr/bin/arecord -d 1 "$@"\n');
    await chmod(wrapper, 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin.path}:${path}`;
    defer(() => {
      process.env.PATH = path;
    });
    const r = await rig(t, defer);
    if (!r) return;
    await outage(t, r, /arecord exited \(code 0\)/);
    assert.ok(r.source.restarts >= 1);
    assert.ok(Math.abs(r.drift()) < 0.5, `audio held tracks elapsed time (drift ${r.drift().toFixed(3)} s)`);
  });
});
