import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../../src/uplink/backoff.js';

describe('Backoff', () => {
  it('doubles its ceiling per failure up to the maximum, never below the minimum', () => {
    const top = new Backoff(1000, 300_000, () => 1);
    const ceilings = Array.from({ length: 12 }, () => top.next());
    assert.deepEqual(ceilings.slice(0, 5), [1000, 2000, 4000, 8000, 16000]);
    assert.equal(ceilings.at(-1), 300_000);
    const bottom = new Backoff(1000, 300_000, () => 0);
    assert.ok(Array.from({ length: 12 }, () => bottom.next()).every((d) => d === 1000));
  });

  it('spreads waits over the whole range (full jitter) and starts over after reset', () => {
    const values = [0.5, 0.25];
    const backoff = new Backoff(1000, 300_000, () => values.shift() ?? 0);
    backoff.next();
    assert.equal(backoff.next(), 1000 + 0.25 * 1000);
    backoff.reset();
    assert.equal(backoff.next(), 1000);
  });

  it('refuses nonsense bounds', () => {
    assert.throws(() => new Backoff(0, 10), RangeError);
    assert.throws(() => new Backoff(10, 5), RangeError);
  });
});
