import { createHash } from 'node:crypto';
import type { ClipMeta } from '@earshot/shared/protocol';
import { wavHeader } from '@earshot/shared/wav';
import { ulid } from 'ulidx';

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function noiseWav(sampleRate: number, channels: number, seconds: number): Buffer {
  const samples = sampleRate * channels * seconds;
  const pcm = Buffer.alloc(samples * 2);
  let x = 12345;
  for (let i = 0; i < samples; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    pcm.writeInt16LE((x % 20000) - 10000, i * 2);
  }
  return Buffer.concat([wavHeader({ sampleRate, channels, bitsPerSample: 16 }, pcm.length), pcm]);
}

/** A WAV clip of pseudo-random samples (so a corrupted byte changes the sha256) with its metadata. */
export function makeClip(seconds: number, button = 1): { meta: ClipMeta; audio: Buffer } {
  const rate = 16000;
  const frames = Math.round(seconds * rate);
  const pcm = Buffer.alloc(frames * 2);
  let x = Math.floor(Math.random() * 2 ** 31);
  for (let i = 0; i < frames; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    pcm.writeInt16LE((x % 20000) - 10000, i * 2);
  }
  const audio = Buffer.concat([wavHeader({ sampleRate: rate, channels: 1, bitsPerSample: 16 }, pcm.length), pcm]);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const meta: ClipMeta = {
    clipId: ulid(),
    button,
    pressedAt: iso(now - seconds * 500),
    startAt: iso(now - seconds * 1000),
    endAt: iso(now),
    startFrame: 0,
    endFrame: frames,
    pressFrame: Math.floor(frames / 2),
    captureSession: 'sim',
    sampleRate: rate,
    channels: 1,
    container: 'wav',
    codec: 'pcm_s16le',
    durationMs: seconds * 1000,
    truncated: false,
    gaps: [],
    clock: { synchronized: null },
  };
  return { meta, audio };
}
