import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { createLogger } from '@earshot/shared/log';
import { parseWav } from '@earshot/shared/wav';
import { deferrer } from '@earshot/test-kit/cleanup';
import { waitFor } from '@earshot/test-kit/processes';
import { startPulse } from '@earshot/test-kit/pulse';
import { requireService } from '@earshot/test-kit/services';
import { speak } from '@earshot/test-kit/speech';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { Capture } from '../../src/audio/capture.js';
import { systemClock } from '../../src/audio/clock.js';
import { RecorderSource } from '../../src/audio/recorder-source.js';
import { ClipCutter } from '../../src/clips/clip-cutter.js';

const RATE = 16_000;
/** Normalised correlation of the clip with the sentence played: 1 is identical up to gain. */
const MIN_CORRELATION = 0.95;
/**
 * How far the sentence may sit from where the press says it was played. Covers paplay's
 * start-up and PulseAudio's buffering, which are not the device's doing.
 */
const PLACEMENT_TOLERANCE_S = 0.5;

it('captures in real time through arecord what reaches the microphone, and cuts it at the right place', async (t) => {
  const pulse = await startPulse().catch(() => undefined);
  const available = await requireService(t, 'PulseAudio', async () => {
    if (!pulse) throw new Error('pulseaudio did not start (apt-get install pulseaudio pulseaudio-utils)');
  });
  if (!pulse || !available) return;
  const defer = deferrer(t);
  defer(() => pulse.stop());
  process.env.PULSE_SERVER = pulse.env.PULSE_SERVER;
  const dir = await tempDir();
  defer(() => dir.remove());
  const sentence = join(dir.path, 'sentence.wav');
  await speak('Thank you for shopping with us. How likely are you to recommend this store to a friend?', sentence);
  const played = samples(parseWav(await readFile(sentence)).data);

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
    format: { sampleRate: RATE, channels: 1, bitsPerSample: 16 },
    stallTimeoutMs: 5000,
    restartInitialMs: 200,
    restartMaxMs: 1000,
    clock: systemClock,
    logger: createLogger({ name: 'capture-test', level: 'silent' }),
  });
  const parts: Buffer[] = [];
  let ended = false;
  const cutter = new ClipCutter(capture, RATE, systemClock, {
    started: (_clip, pcm) => parts.push(pcm),
    audio: (_id, pcm) => parts.push(pcm),
    ended: () => {
      ended = true;
    },
  });
  source.start(capture);
  defer(() => source.stop());
  await waitFor('audio from arecord', async () => (capture.ring.endFrame >= RATE ? true : undefined));

  // More audio held than the pre-roll will reach back before the sentence.
  await waitFor('2 s of audio', async () => (capture.ring.endFrame >= 2 * RATE ? true : undefined));
  const playedAt = performance.now();
  await pulse.play(sentence);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const preSeconds = (performance.now() - playedAt) / 1000 + 1;
  const { window } = cutter.press({ clipId: 'spoken', button: 1, preSeconds, postSeconds: 0.5 });
  assert.equal(window.truncated, false);
  await waitFor('the clip', async () => (ended ? true : undefined));
  const clip = samples(Buffer.concat(parts));

  const { lag, correlation } = locate(played, clip);
  const expectedLag = 1 * RATE;
  t.diagnostic(`correlation ${correlation.toFixed(4)}, sentence ${((lag - expectedLag) / RATE).toFixed(3)} s late`);
  assert.ok(correlation >= MIN_CORRELATION, `clip matches the sentence (correlation ${correlation.toFixed(4)})`);
  assert.ok(
    Math.abs(lag - expectedLag) / RATE <= PLACEMENT_TOLERANCE_S,
    `sentence at ${(lag / RATE).toFixed(3)} s of the clip, expected ${(expectedLag / RATE).toFixed(3)} s`,
  );
  assert.equal(capture.health.report().state, 'ok');
});

function samples(pcm: Buffer): Float64Array {
  const out = new Float64Array(pcm.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2);
  return out;
}

/**
 * Where `needle` sits in `haystack` and how well it matches there: a coarse search on 10 ms
 * energy envelopes, then a sample-exact one around the best coarse position.
 */
function locate(needle: Float64Array, haystack: Float64Array): { lag: number; correlation: number } {
  const hop = RATE / 100;
  const env = (x: Float64Array) => {
    const out = new Float64Array(Math.floor(x.length / hop));
    for (let k = 0; k < out.length; k++) {
      let sum = 0;
      for (let i = k * hop; i < (k + 1) * hop; i++) sum += (x[i] as number) ** 2;
      out[k] = Math.sqrt(sum / hop);
    }
    return out;
  };
  const coarse = bestLag(env(needle), env(haystack), 0, Number.MAX_SAFE_INTEGER);
  return bestLag(needle, haystack, (coarse.lag - 2) * hop, (coarse.lag + 2) * hop);
}

function bestLag(needle: Float64Array, haystack: Float64Array, from: number, to: number) {
  let best = { lag: 0, correlation: -1 };
  let needleEnergy = 0;
  for (const v of needle) needleEnergy += v * v;
  for (let lag = Math.max(0, from); lag <= Math.min(to, haystack.length - needle.length); lag++) {
    let dot = 0;
    let energy = 0;
    for (let i = 0; i < needle.length; i++) {
      const h = haystack[lag + i] as number;
      dot += (needle[i] as number) * h;
      energy += h * h;
    }
    const correlation = energy === 0 ? 0 : dot / Math.sqrt(needleEnergy * energy);
    if (correlation > best.correlation) best = { lag, correlation };
  }
  return best;
}
