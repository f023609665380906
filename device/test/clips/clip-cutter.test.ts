import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexAt, indexSignal } from '@earshot/test-kit/signals';
import { Capture } from '../../src/audio/capture.js';
import type { Clock } from '../../src/audio/clock.js';
import type { ClipGap } from '@earshot/shared/protocol';
import { ClipCutter, type ClipListener, type ClipStart } from '../../src/clips/clip-cutter.js';

const RATE = 1000;

/** A clock the test moves by hand. */
function manualClock(): Clock & { advance(ms: number): void; stepWall(ms: number): void } {
  let mono = 0;
  let wall = Date.parse('2026-01-01T10:00:00Z');
  return {
    monotonicMs: () => mono,
    wallMs: () => wall,
    advance(ms) {
      mono += ms;
      wall += ms;
    },
    /** What NTP does to the wall clock: the monotonic clock does not move. */
    stepWall(ms) {
      wall += ms;
    },
  };
}

interface Clip {
  clipId: string;
  start: ClipStart;
  pcm: Buffer;
  gaps: ClipGap[];
}

/** Assembles the pieces a listener receives into whole clips, listed once they have ended. */
function collector(): ClipListener & { clips: Clip[] } {
  const open = new Map<string, Clip>();
  const clips: Clip[] = [];
  return {
    clips,
    started(start, pcm, gaps) {
      open.set(start.clipId, { clipId: start.clipId, start, pcm, gaps });
    },
    audio(clipId, pcm, gaps) {
      const clip = open.get(clipId) as Clip;
      clip.pcm = Buffer.concat([clip.pcm, pcm]);
      if (gaps) clip.gaps = gaps;
    },
    ended(clipId, gaps) {
      const clip = open.get(clipId) as Clip;
      open.delete(clipId);
      clips.push({ ...clip, gaps });
    },
  };
}

function rig(seconds = 10) {
  const clock = manualClock();
  const capture = new Capture({
    sampleRate: RATE,
    frameBytes: 2,
    capacityFrames: seconds * RATE,
    channels: 1,
    micDeadSeconds: 30,
    clock,
  });
  const listener = collector();
  const clips = listener.clips;
  const cutter = new ClipCutter(capture, RATE, clock, listener);
  let next = 0;
  /** Delivers `ms` of index signal as one would arrive in real time. */
  const play = (ms: number, step = 100) => {
    for (let done = 0; done < ms; done += step) {
      clock.advance(step);
      capture.audio(indexSignal(step, next));
      next += step;
    }
  };
  return { clock, capture, cutter, clips, play };
}

const request = (clipId: string, preSeconds = 2, postSeconds = 1) => ({ clipId, button: 1, preSeconds, postSeconds });

describe('ClipCutter', () => {
  it('cuts exactly [press - pre, press + post) once the post-roll has arrived', () => {
    const { cutter, clips, play } = rig();
    play(5000);
    const { window } = cutter.press(request('a'));
    assert.deepEqual(window, { pressFrame: 5000, startFrame: 3000, endFrame: 6000, truncated: false });
    play(900);
    assert.equal(clips.length, 0, 'not before the post-roll is complete');
    play(100);
    const [clip] = clips;
    assert.ok(clip);
    assert.equal(clip.pcm.length, 3000 * 2);
    assert.equal(indexAt(clip.pcm, 0), 3000);
    assert.equal(indexAt(clip.pcm, 2999), 5999);
    assert.equal(clip.start.window.truncated, false);
    assert.deepEqual(clip.gaps, []);
  });

  it('starts a press near the beginning at the first frame and says it is truncated', () => {
    const { cutter, clips, play } = rig();
    play(500);
    cutter.press(request('early'));
    play(1000);
    const [clip] = clips;
    assert.ok(clip);
    assert.equal(clip.start.window.startFrame, 0);
    assert.equal(clip.start.window.truncated, true);
    assert.equal(indexAt(clip.pcm, 0), 0);
    assert.equal(clip.pcm.length / 2, 1500);
  });

  it('gives overlapping presses a whole clip each', () => {
    const { cutter, clips, play } = rig();
    play(3000);
    cutter.press(request('first'));
    play(500);
    cutter.press(request('second'));
    play(1000);
    assert.deepEqual(
      clips.map((c) => [c.clipId, indexAt(c.pcm, 0), c.pcm.length / 2]),
      [
        ['first', 1000, 3000],
        ['second', 1500, 3000],
      ],
    );
  });

  it('fills an outage with silence and reports it as a gap of the clip', () => {
    const { cutter, clips, play, capture, clock } = rig();
    play(3000);
    capture.interrupted('recorder exited');
    clock.advance(700);
    play(1000);
    cutter.press(request('across', 3, 0.5));
    play(500);
    const [clip] = clips;
    assert.ok(clip);
    assert.equal(clip.start.window.startFrame, 1700);
    assert.equal(clip.gaps.length, 1);
    assert.deepEqual(clip.gaps[0], { startMs: 1300, durationMs: 700 });
    // Audio before the gap is intact, the gap is silence, audio after resumes.
    assert.equal(indexAt(clip.pcm, 1299), 2999);
    assert.equal(indexAt(clip.pcm, 1300), 0);
    assert.equal(indexAt(clip.pcm, 1999), 0);
    assert.equal(indexAt(clip.pcm, 2000), 3000);
  });

  for (const step of [+3_600_000, -3_600_000]) {
    it(`cuts the right audio when the wall clock steps by ${step / 3_600_000} h during the post-roll`, () => {
      const { cutter, clips, play, clock } = rig();
      play(4000);
      const { pressedAtMs } = cutter.press(request(`step${step}`));
      play(500);
      clock.stepWall(step);
      play(500);
      const [clip] = clips;
      assert.ok(clip);
      assert.equal(indexAt(clip.pcm, 0), 2000);
      assert.equal(indexAt(clip.pcm, 2999), 4999);
      assert.equal(clip.pcm.length / 2, 3000);
      // The labels were all read at the press: they stay consistent with each other.
      assert.equal(clip.start.startAtMs, pressedAtMs - 2000);
      assert.equal(clip.start.endAtMs, pressedAtMs + 1000);
    });
  }
});
