import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexAt, indexSignal } from '@earshot/test-kit/signals';
import { RingBuffer } from '../../src/audio/ring-buffer.js';

describe('RingBuffer', () => {
  it('addresses frames by absolute index across many turns', () => {
    const ring = new RingBuffer(1000, 2);
    for (let written = 0; written < 10_000; written += 333) ring.write(indexSignal(333, written));
    assert.equal(ring.endFrame, 31 * 333);
    assert.equal(ring.startFrame, 31 * 333 - 1000);
    const out = Buffer.alloc(1000 * 2);
    ring.copyOut(ring.startFrame, ring.endFrame, out);
    for (let k = 0; k < 1000; k++) assert.equal(indexAt(out, k), (ring.startFrame + k) & 0xffff);
  });

  it('holds back a frame split across two writes until its second half arrives', () => {
    const ring = new RingBuffer(100, 2);
    const pcm = indexSignal(10);
    ring.write(pcm.subarray(0, 5));
    assert.equal(ring.endFrame, 2);
    ring.write(pcm.subarray(5, 6));
    assert.equal(ring.endFrame, 3);
    ring.write(pcm.subarray(6));
    assert.equal(ring.endFrame, 10);
    const out = Buffer.alloc(20);
    ring.copyOut(0, 10, out);
    assert.deepEqual(out, pcm);
  });

  it('keeps only the last turn of a write larger than the buffer', () => {
    const ring = new RingBuffer(100, 2);
    ring.write(indexSignal(250));
    assert.equal(ring.endFrame, 250);
    const out = Buffer.alloc(200);
    ring.copyOut(150, 250, out);
    assert.equal(indexAt(out, 0), 150);
    assert.equal(indexAt(out, 99), 249);
  });

  it('writes silence for frames never captured, keeping the numbering', () => {
    const ring = new RingBuffer(100, 2);
    ring.write(indexSignal(10, 1));
    ring.writeSilence(5);
    ring.write(indexSignal(5, 1));
    const out = Buffer.alloc(40);
    ring.copyOut(0, 20, out);
    assert.equal(indexAt(out, 9), 10);
    for (let k = 10; k < 15; k++) assert.equal(indexAt(out, k), 0);
    assert.equal(indexAt(out, 15), 1);
    ring.writeSilence(1000);
    assert.equal(ring.endFrame, 1020);
  });

  it('refuses to copy frames it no longer holds or has not yet received', () => {
    const ring = new RingBuffer(100, 2);
    ring.write(indexSignal(150));
    const out = Buffer.alloc(400);
    assert.throws(() => ring.copyOut(49, 60, out), /not held/);
    assert.throws(() => ring.copyOut(140, 151, out), /not held/);
  });
});
