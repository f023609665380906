import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseWav } from '@earshot/shared/wav';
import { RATE } from './render-audio.js';

const run = promisify(execFile);

/** RMS of the speech: the clips' silences are exact zeros, so the non-zero samples are the speech. */
export function speechRms(pcm: Int16Array): number {
  let sum = 0;
  let n = 0;
  for (const s of pcm) {
    if (s === 0) continue;
    sum += s * s;
    n++;
  }
  return n === 0 ? 0 : Math.sqrt(sum / n);
}

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

/**
 * Adds `noise` (looped) to `speech` at `snrDb` below the speech's RMS. The gain comes from the
 * measured RMS of both, so the SNR is the one asked for, not a guess from a sox volume.
 */
export function mixAtSnr(speech: Int16Array, noise: Int16Array, snrDb: number): Int16Array {
  const gain = speechRms(speech) / (rms(noise) * 10 ** (snrDb / 20));
  const out = new Int16Array(speech.length);
  for (let i = 0; i < speech.length; i++) {
    const v = (speech[i] as number) + (noise[i % noise.length] as number) * gain;
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return out;
}

/** Pink noise from sox in repeatable mode (`-R`: a fixed seed), `seconds` long. */
export async function synthNoise(dir: string, seconds: number): Promise<Int16Array> {
  const path = join(dir, 'pink.wav');
  await run('sox', [
    '-R',
    '-n',
    '-r',
    String(RATE),
    '-c',
    '1',
    '-b',
    '16',
    path,
    'synth',
    String(seconds),
    'pinknoise',
  ]);
  const { data } = parseWav(await readFile(path));
  return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
}

/**
 * Babble: other conversations of the corpus summed, each shifted, so there are several voices at
 * once most of the time (never the clip's own, which would be an echo, not babble).
 */
export function babble(others: readonly Int16Array[], length: number): Int16Array {
  const sum = new Float64Array(length);
  others.forEach((pcm, k) => {
    const shift = Math.round((k * RATE) / 3);
    for (let i = 0; i < length; i++) sum[i] = (sum[i] as number) + (pcm[(i + shift) % pcm.length] as number);
  });
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(sum[i] as number)));
  return out;
}
