import { open } from 'node:fs/promises';
import { wavHeader } from '@earshot/shared/wav';

/**
 * Writes a WAV whose samples say where they are: on channel c, frame i holds (i + c·0x4000) mod
 * 65536. Written in pieces, so an hour costs no more memory than a second.
 */
export async function writeIndexRecording(path: string, frames: number, sampleRate: number, channels: number) {
  const file = await open(path, 'w');
  try {
    await file.write(wavHeader({ sampleRate, channels, bitsPerSample: 16 }, frames * channels * 2));
    const piece = 1 << 16;
    for (let first = 0; first < frames; first += piece) {
      const n = Math.min(piece, frames - first);
      const pcm = Buffer.alloc(n * channels * 2);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < channels; c++) pcm.writeUInt16LE((first + i + c * 0x4000) & 0xffff, (i * channels + c) * 2);
      }
      await file.write(pcm);
    }
  } finally {
    await file.close();
  }
}

/** The first frame index `pcm` holds if it is an unbroken cut of an index recording; throws otherwise. */
export function firstIndexOf(pcm: Buffer, channels: number): number {
  const first = pcm.readUInt16LE(0);
  const frames = pcm.length / 2 / channels;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const want = (first + i + c * 0x4000) & 0xffff;
      const got = pcm.readUInt16LE((i * channels + c) * 2);
      if (got !== want) throw new Error(`frame ${i} channel ${c} holds ${got}, expected ${want}: the cut is broken`);
    }
  }
  return first;
}
