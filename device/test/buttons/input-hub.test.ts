import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureLog } from '@earshot/test-kit/log-capture';
import { UnmappedButtonError } from '../../src/buttons/button-map.js';
import type { Clock } from '../../src/audio/clock.js';
import type { ButtonInput, InputListener } from '../../src/buttons/button-input.js';
import { InputHub } from '../../src/buttons/input-hub.js';
import type { PressTarget } from '../../src/buttons/press-endpoint.js';

/** An input the test plays: the thinnest stand-in for hardware. */
class PlayedInput implements ButtonInput {
  listener: InputListener | undefined;
  stopped = false;
  constructor(readonly name: string) {}
  async start(listener: InputListener): Promise<void> {
    this.listener = listener;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  health() {
    return { connected: true };
  }
}

const GESTURE = {
  debounceMs: 0,
  minHoldMs: 0,
  longPressMs: 2000,
  stuckMs: 30_000,
  chatterEdges: 20,
  chatterWindowMs: 2000,
};

function rig(failPress: false | Error = false) {
  let now = 0;
  const clock: Clock = { monotonicMs: () => now, wallMs: () => now };
  const presses: [number, string][] = [];
  const cancels: string[] = [];
  const target: PressTarget = {
    buttons: 8,
    press(button, input) {
      if (failPress) throw failPress;
      presses.push([button, input]);
      return { clipId: 'c', startAt: '', endAt: '', truncated: false };
    },
    cancelLast(input) {
      cancels.push(input);
      return { cancelled: true };
    },
    status: () => ({}),
  };
  const keys = new PlayedInput('hid:pedal');
  const box = new PlayedInput('serial:box');
  let dropped = 0;
  const log = captureLog();
  const hub = new InputHub(
    [
      { input: keys, gesture: GESTURE, rate: { maxPresses: 2, perMs: 60_000 } },
      { input: box, rate: { maxPresses: 2, perMs: 60_000 } },
    ],
    target,
    clock,
    log.logger,
    () => dropped++,
  );
  const at = (ms: number) => {
    now = ms;
  };
  return { hub, keys, box, presses, cancels, at, log, dropped: () => dropped };
}

describe('input hub', () => {
  it('routes edges through the gesture and whole presses straight to the one press path', async () => {
    const { hub, keys, box, presses, cancels, at } = rig();
    await hub.start();
    keys.listener?.edge(3, true);
    at(150);
    keys.listener?.edge(3, false);
    box.listener?.press(4);
    box.listener?.cancel();
    at(1000);
    keys.listener?.edge(3, true);
    at(3500);
    keys.listener?.edge(3, false);
    assert.deepEqual(presses, [
      [3, 'hid:pedal'],
      [4, 'serial:box'],
    ]);
    assert.deepEqual(cancels, ['serial:box', 'hid:pedal']);
    await hub.stop();
    assert.ok(keys.stopped && box.stopped);
    box.listener?.press(1);
    assert.equal(presses.length, 2, 'nothing after stop');
  });

  it('drops presses over the rate limit, tells feedback, and shows the condition', async () => {
    const { hub, box, presses, dropped, at, log } = rig();
    await hub.start();
    for (const t of [0, 1000, 2000, 3000]) {
      at(t);
      box.listener?.press(1);
    }
    assert.equal(presses.length, 2);
    assert.equal(dropped(), 2);
    assert.equal(log.withMessage('press dropped: rate limit').length, 2);
    assert.deepEqual(hub.status().conditions, [{ input: 'serial:box', button: 1, condition: 'rate-limited' }]);
    at(61_000);
    assert.deepEqual(hub.status().conditions, []);
    await hub.stop();
  });

  it('reports a stuck button in its status', async () => {
    const { hub, keys, at, presses } = rig();
    await hub.start();
    keys.listener?.edge(2, true);
    at(40_000);
    keys.listener?.edge(2, true); // a repeated level: only lets the gesture see the time
    assert.deepEqual(hub.status().conditions, [{ input: 'hid:pedal', button: 2, condition: 'stuck' }]);
    at(41_000);
    keys.listener?.edge(2, false);
    assert.deepEqual(hub.status().conditions, []);
    assert.deepEqual(presses, []);
    await hub.stop();
  });

  it('keeps going when the daemon refuses a press', async () => {
    const { hub, box, log } = rig(new Error('no audio yet'));
    await hub.start();
    box.listener?.press(1);
    assert.equal(log.withMessage('press refused').length, 1);
    await hub.stop();
  });

  it('leaves a press on a button the map leaves out to the daemon to log, once', async () => {
    const { hub, box, log } = rig(new UnmappedButtonError('button 5 answers no question here'));
    await hub.start();
    box.listener?.press(5);
    assert.equal(log.withMessage('press refused').length, 0);
    await hub.stop();
  });
});

describe('input hub start', () => {
  it('stops the inputs it started when a later one cannot start', async () => {
    const first = new PlayedInput('serial:box');
    const broken: ButtonInput = {
      name: 'gpio',
      start: () => Promise.reject(new Error('no sysfs GPIO and no gpiodetect')),
      stop: () => Promise.resolve(),
      health: () => ({ connected: false }),
    };
    const target: PressTarget = {
      buttons: 1,
      press: () => assert.fail('no press'),
      cancelLast: () => assert.fail('no cancel'),
      status: () => ({}),
    };
    const clock: Clock = { monotonicMs: () => 0, wallMs: () => 0 };
    const hub = new InputHub(
      [
        { input: first, rate: { maxPresses: 1, perMs: 1000 } },
        { input: broken, rate: { maxPresses: 1, perMs: 1000 } },
      ],
      target,
      clock,
      captureLog().logger,
    );
    await assert.rejects(hub.start(), /no gpiodetect/);
    assert.equal(first.stopped, true);
  });
});
