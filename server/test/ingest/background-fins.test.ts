import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackgroundFins } from '../../src/ingest/background-fins.js';

function gate(): { promise: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('background fins', () => {
  it('runs one fin per clip at a time and drops repeats while it runs', async () => {
    const fins = new BackgroundFins(4);
    const g = gate();
    let runs = 0;
    const work = async () => {
      runs++;
      await g.promise;
    };
    assert.equal(await fins.start('d/c1', work), true);
    assert.equal(await fins.start('d/c1', work), false);
    assert.equal(runs, 1);
    g.open();
    await fins.close();
    assert.equal(fins.size, 0);
  });

  it('holds the next fin back while the limit is reached', async () => {
    const fins = new BackgroundFins(2);
    const gates = [gate(), gate(), gate()];
    const started: number[] = [];
    const work = (i: number) => async () => {
      started.push(i);
      await gates[i]?.promise;
    };
    await fins.start('c0', work(0));
    await fins.start('c1', work(1));
    let third = false;
    const waiting = fins.start('c2', work(2)).then(() => (third = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(third, false);
    assert.deepEqual(started, [0, 1]);
    gates[0]?.open();
    await waiting;
    assert.deepEqual(started, [0, 1, 2]);
    gates[1]?.open();
    gates[2]?.open();
    await fins.close();
  });

  it('close waits for running fins, then refuses new ones so that they are not acknowledged', async () => {
    const fins = new BackgroundFins(2);
    const g = gate();
    let finished = false;
    await fins.start('c0', async () => {
      await g.promise;
      finished = true;
    });
    const closed = fins.close();
    await assert.rejects(
      fins.start('c1', async () => undefined),
      /stopping/,
    );
    g.open();
    await closed;
    assert.equal(finished, true);
  });
});
