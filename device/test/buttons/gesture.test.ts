import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ButtonGesture, type GestureEvent, type GestureOptions, RateLimit } from '../../src/buttons/gesture.js';

const OPTIONS: GestureOptions = {
  debounceMs: 30,
  minHoldMs: 40,
  longPressMs: 2000,
  stuckMs: 30_000,
  chatterEdges: 20,
  chatterWindowMs: 2000,
};

/** Feeds edges given as [time, pressed] and ticks at every deadline up to `until`; returns events with times. */
function run(gesture: ButtonGesture, edges: [number, boolean][], until: number): [number, GestureEvent['type']][] {
  const out: [number, GestureEvent['type']][] = [];
  const record = (at: number, events: GestureEvent[]) => events.forEach((e) => out.push([at, e.type]));
  const queue = [...edges];
  for (;;) {
    const deadline = gesture.nextDeadline() ?? Infinity;
    const next = queue[0];
    if (next && next[0] <= deadline && next[0] <= until) {
      queue.shift();
      record(next[0], gesture.edge(next[1], next[0]));
    } else if (deadline <= until) {
      record(deadline, gesture.tick(deadline));
    } else {
      return out;
    }
  }
}

/** A contact that bounces `bounces` times, 1 ms apart, before settling at `pressed`. */
function bouncy(at: number, pressed: boolean, bounces = 4): [number, boolean][] {
  const edges: [number, boolean][] = [];
  for (let i = 0; i < bounces; i++) edges.push([at + i, i % 2 === 0 ? pressed : !pressed]);
  edges.push([at + bounces, pressed]); // settles 4 ms after the first contact
  return edges;
}

describe('button gesture', () => {
  it('turns a bouncing press and release into exactly one press, on release', () => {
    const gesture = new ButtonGesture(OPTIONS);
    const events = run(gesture, [...bouncy(1000, true), ...bouncy(1300, false)], 10_000);
    assert.deepEqual(events, [[1334, 'press']]);
    assert.equal(gesture.condition, 'ok');
  });

  it('ignores a glitch shorter than the debounce time and a tap shorter than the minimum hold', () => {
    const gesture = new ButtonGesture(OPTIONS);
    const events = run(
      gesture,
      [
        [1000, true],
        [1010, false], // 10 ms spike: never a stable level
        [2000, true],
        [2035, false], // stable for 35 ms: shorter than minHoldMs
      ],
      10_000,
    );
    assert.deepEqual(events, []);
  });

  it('makes a long hold, then release, the cancel gesture and not a press', () => {
    const gesture = new ButtonGesture(OPTIONS);
    const events = run(
      gesture,
      [
        [1000, true],
        [3500, false],
      ],
      10_000,
    );
    assert.deepEqual(events, [[3530, 'cancel']]);
  });

  it('presses as soon as the minimum hold is reached when there is no cancel gesture', () => {
    const gesture = new ButtonGesture({ ...OPTIONS, longPressMs: 0 });
    const events = run(
      gesture,
      [
        [1000, true],
        [5000, false],
      ],
      10_000,
    );
    assert.deepEqual(events, [[1040, 'press']]);
  });

  it('reports a stuck button, never presses or cancels with it, and recovers on release', () => {
    const gesture = new ButtonGesture(OPTIONS);
    const events = run(gesture, [[1000, true]], 40_000);
    assert.deepEqual(events, [[31_000, 'stuck']]);
    assert.equal(gesture.condition, 'stuck');
    assert.equal(gesture.nextDeadline(), undefined, 'nothing further to do while stuck');
    assert.deepEqual(run(gesture, [[50_000, false]], 60_000), [[50_030, 'recovered']]);
    assert.equal(gesture.condition, 'ok');
    assert.deepEqual(
      run(
        gesture,
        [
          [61_000, true],
          [61_200, false],
        ],
        70_000,
      ),
      [[61_230, 'press']],
      'presses work again',
    );
  });

  it('reports a chattering button, drops its presses, and recovers once it is quiet', () => {
    const gesture = new ButtonGesture(OPTIONS);
    // A broken contact: 100 ms pulses, each long enough to pass debounce and minimum hold.
    const edges: [number, boolean][] = [];
    for (let i = 0; i < 30; i++) edges.push([1000 + i * 100, i % 2 === 0]);
    const events = run(gesture, edges, 4000);
    const presses = events.filter(([, type]) => type === 'press');
    const chatter = events.find(([, type]) => type === 'chatter');
    assert.ok(chatter, 'chatter reported');
    assert.ok(
      presses.every(([at]) => at < chatter[0]),
      'no press after chatter was detected',
    );
    assert.ok(presses.length <= OPTIONS.chatterEdges / 2, `${presses.length} presses before detection`);
    assert.equal(gesture.condition, 'chattering');
    // The last edge (i = 29) was a release at 3900: quiet from then on.
    assert.deepEqual(run(gesture, [], 10_000), [[5900, 'recovered']]);
    assert.equal(gesture.condition, 'ok');
  });
});

describe('rate limit', () => {
  it('allows maxPresses in any window and refuses the rest until the window moves on', () => {
    const limit = new RateLimit(3, 60_000);
    assert.deepEqual(
      [0, 1000, 2000, 3000].map((t) => limit.allow(t)),
      [true, true, true, false],
    );
    assert.equal(limit.limited(3000), true);
    assert.equal(limit.allow(59_999), false);
    assert.equal(limit.allow(60_000), true, 'the first press has left the window');
    assert.equal(limit.limited(120_000), false);
  });
});
