import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureLog } from '@earshot/test-kit/log-capture';
import { Feedback } from '../../src/feedback/feedback.js';
import type { Light } from '../../src/feedback/light.js';
import { PATTERNS, PatternPlayer, ProblemWatch, SIGNALS, type Signal } from '../../src/feedback/patterns.js';

/** The light sampled every `step` ms from `from` to `to`, as 1s and 0s. */
function trace(player: PatternPlayer, from: number, to: number, step = 100): string {
  let out = '';
  for (let t = from; t < to; t += step) out += player.at(t).on ? '1' : '0';
  return out;
}

/** The on/off durations the player produces from `from` until it goes dark for good or `to`. */
function durations(player: PatternPlayer, from: number, to: number): number[] {
  const out: number[] = [];
  let t = from;
  while (t < to) {
    const { nextChange } = player.at(t);
    if (nextChange === Infinity) break;
    out.push(Math.min(nextChange, to) - t);
    t = nextChange;
  }
  return out;
}

describe('feedback patterns', () => {
  it('are all different, so staff can tell them apart', () => {
    const shapes = SIGNALS.map((s) => PATTERNS[s].join(','));
    assert.equal(new Set(shapes).size, SIGNALS.length);
  });

  it('play a one-off event once, exactly as defined, then go dark', () => {
    const player = new PatternPlayer(new Set(SIGNALS));
    player.play('delivered', 1000);
    assert.deepEqual(durations(player, 1000, 10_000), [...PATTERNS.delivered]);
    assert.equal(player.at(1000 + 599).on, true);
    assert.deepEqual(player.at(5000), { on: false, nextChange: Infinity });
  });

  it('blink the problem pattern for as long as the problem lasts, under events, and stop when it goes', () => {
    const player = new PatternPlayer(new Set(SIGNALS));
    player.setProblem(true, 0);
    assert.equal(trace(player, 0, 4000, 100), '11000000000000000000' + '11000000000000000000');
    player.play('captured', 4000);
    assert.equal(trace(player, 4000, 6000, 100), '11111111' + '000000000000', 'the event shows over the blink');
    assert.equal(player.at(6000).on, true, 'the blink resumes in phase');
    player.setProblem(false, 6500);
    assert.deepEqual(player.at(6500), { on: false, nextChange: Infinity });
  });

  it('let a newer event replace an older one, and ignore signals an output is not for', () => {
    const player = new PatternPlayer(new Set<Signal>(['captured', 'cancelled']));
    player.play('captured', 0);
    player.play('cancelled', 300);
    assert.deepEqual(durations(player, 300, 10_000), [...PATTERNS.cancelled]);
    player.play('delivered', 5000);
    player.setProblem(true, 5000);
    assert.deepEqual(player.at(5000), { on: false, nextChange: Infinity });
  });

  it('show a problem only once it has lasted the grace time', () => {
    const watch = new ProblemWatch(15_000);
    assert.equal(watch.update(['no connection'], 0), false);
    assert.equal(watch.update(['no connection'], 14_999), false);
    assert.equal(watch.update(['no connection', 'mic'], 15_000), true);
    assert.equal(watch.update([], 16_000), false);
    assert.equal(watch.update(['mic'], 17_000), false, 'the grace starts over');
  });
});

describe('feedback driver', () => {
  it('sets lights from the patterns, survives a broken one, and turns them off on stop', () => {
    let now = 0;
    const seen: boolean[] = [];
    let closed = false;
    const good: Light = { set: (on) => seen.push(on), close: () => (closed = true) };
    const broken: Light = {
      set: () => {
        throw new Error('EIO');
      },
      close: () => {
        throw new Error('EIO');
      },
    };
    const log = captureLog();
    let problems: string[] = [];
    const feedback = new Feedback(
      [
        { name: 'broken', light: broken, signals: new Set(SIGNALS) },
        { name: 'led', light: good, signals: new Set(SIGNALS) },
      ],
      {
        problems: () => problems,
        graceMs: 0,
        pollMs: 60_000,
        clock: { monotonicMs: () => now, wallMs: () => now },
        logger: log.logger,
      },
    );
    feedback.start();
    assert.deepEqual(seen, [false]);
    feedback.signal('captured');
    assert.deepEqual(seen, [false, true]);
    now = 1000;
    problems = ['no connection to the server'];
    feedback.stop();
    assert.ok(closed);
    assert.ok(log.withMessage('feedback output failed').length >= 2);
  });
});
