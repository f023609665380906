import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { Lifecycle } from '../../src/lifecycle/lifecycle.js';
import { PeriodicTask } from '../../src/lifecycle/periodic-task.js';
import type { Service } from '../../src/lifecycle/service.js';

const logger = pino({ level: 'silent' });

function recorder(events: string[], name: string, failStart = false): Service {
  return {
    name,
    start: async () => {
      if (failStart) throw new Error(`${name} cannot start`);
      events.push(`start ${name}`);
    },
    stop: async () => {
      events.push(`stop ${name}`);
    },
  };
}

describe('Lifecycle', () => {
  it('stops in the reverse of the start order', async () => {
    const events: string[] = [];
    const lifecycle = new Lifecycle(logger);
    for (const name of ['database', 'broker', 'http']) await lifecycle.start(recorder(events, name));
    await lifecycle.stop();
    assert.deepEqual(events, [
      'start database',
      'start broker',
      'start http',
      'stop http',
      'stop broker',
      'stop database',
    ]);
  });

  it('a failed start leaves nothing of itself to stop, and unwinding stops the rest', async () => {
    const events: string[] = [];
    const lifecycle = new Lifecycle(logger);
    await lifecycle.start(recorder(events, 'database'));
    await assert.rejects(lifecycle.start(recorder(events, 'broker', true)), /broker cannot start/);
    await lifecycle.stop();
    assert.deepEqual(events, ['start database', 'stop database']);
  });

  it('one service failing to stop does not keep the others running', async () => {
    const events: string[] = [];
    const lifecycle = new Lifecycle(logger);
    await lifecycle.start(recorder(events, 'database'));
    await lifecycle.start({ name: 'stuck', start: async () => {}, stop: () => Promise.reject(new Error('no')) });
    await lifecycle.stop();
    assert.deepEqual(events, ['start database', 'stop database']);
  });

  it('open() hands back the resource and closes it at stop', async () => {
    const lifecycle = new Lifecycle(logger);
    const closed: string[] = [];
    const resource = await lifecycle.open(
      'pool',
      async () => 'the pool',
      async (r) => void closed.push(r),
    );
    assert.equal(resource, 'the pool');
    await lifecycle.stop();
    assert.deepEqual(closed, ['the pool']);
  });
});

describe('PeriodicTask', () => {
  it('runs at start when asked, never two runs at once, and stop waits for the run in progress', async () => {
    let running = 0;
    let overlapped = false;
    let finished = 0;
    let release: () => void = () => {};
    const task = new PeriodicTask({
      name: 'purge',
      intervalMs: 1,
      runAtStart: true,
      logger,
      run: async () => {
        running++;
        if (running > 1) overlapped = true;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        running--;
        finished++;
      },
    });
    await task.start();
    // Many intervals pass while the first run waits.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const stopped = task.stop();
    release();
    await stopped;
    assert.equal(overlapped, false);
    assert.equal(finished, 1);
    assert.equal(running, 0);
  });

  it('a failing run is logged and the task goes on', async () => {
    let runs = 0;
    const task = new PeriodicTask({
      name: 'check',
      intervalMs: 1,
      logger,
      run: async () => {
        runs++;
        throw new Error('database busy');
      },
    });
    await task.start();
    while (runs < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await task.stop();
    assert.ok(runs >= 3);
  });
});
