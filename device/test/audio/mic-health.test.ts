import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tone } from '@earshot/test-kit/signals';
import type { Clock } from '../../src/audio/clock.js';
import { MicHealth } from '../../src/audio/mic-health.js';

const RATE = 16_000;
const clock: Clock = { monotonicMs: () => 0, wallMs: () => 0 };
const health = (deadAfterSeconds = 5) => new MicHealth(RATE, 1, deadAfterSeconds, clock);

describe('MicHealth', () => {
  it('reports the level of a tone: a half-scale sine is about -9 dBFS RMS and -6 dBFS peak', () => {
    const mic = health();
    mic.observe(tone(RATE, RATE, 440, 0.5));
    const report = mic.report();
    assert.equal(report.state, 'ok');
    assert.ok(Math.abs(report.rmsDbfs - -9.0) < 0.2, `rms ${report.rmsDbfs}`);
    assert.ok(Math.abs(report.peakDbfs - -6.0) < 0.1, `peak ${report.peakDbfs}`);
    assert.equal(report.clippedRatio, 0);
    assert.equal(report.silentSeconds, 0);
  });

  it('gives the same figures whatever the chunking, even a sample split across chunks', () => {
    const signal = tone(RATE, RATE, 300, 0.3);
    const whole = health();
    whole.observe(signal);
    const split = health();
    // Odd lengths and odd offsets: some chunks start in the middle of a sample.
    for (let at = 0; at < signal.length;) {
      const n = Math.min(333, signal.length - at);
      split.observe(signal.subarray(at, at + n));
      at += n;
    }
    assert.deepEqual(split.report(), whole.report());
  });

  it('counts samples at full scale as clipped', () => {
    const mic = health();
    const pcm = tone(RATE, RATE, 440, 0.5);
    for (let i = 0; i < 160; i++) pcm.writeInt16LE(i % 2 ? 32767 : -32768, i * 2);
    mic.observe(pcm);
    assert.equal(mic.report().clippedRatio, 0.01);
  });

  it('reports a mic dead after digital silence lasts the configured time, and alive again on sound', () => {
    const mic = health(5);
    mic.observe(tone(RATE, RATE));
    mic.observe(Buffer.alloc(4 * RATE * 2));
    assert.equal(mic.report().state, 'ok');
    assert.equal(mic.report().silentSeconds, 4);
    mic.observe(Buffer.alloc(RATE * 2));
    assert.equal(mic.report().state, 'dead');
    assert.equal(mic.report().rmsDbfs, -16.8, 'one second of a -9 dBFS tone in six: -9 - 10 log10(6)');
    mic.observe(tone(RATE / 10, RATE));
    assert.equal(mic.report().state, 'ok');
  });

  it('says when nothing has been captured yet', () => {
    assert.equal(health().report().state, 'no-audio');
    assert.equal(health().report().secondsSinceAudio, null);
  });
});
