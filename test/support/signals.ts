/**
 * Test signals whose samples say where they come from: sample i of an index signal holds
 * i mod 65536 (as unsigned 16-bit little-endian), so any cut of it shows which frames it holds.
 */
export function indexSignal(frames: number, firstFrame = 0): Buffer {
  const pcm = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; i++) pcm.writeUInt16LE((firstFrame + i) & 0xffff, i * 2);
  return pcm;
}

/** The frame index (mod 65536) that sample `n` of `pcm` holds. */
export function indexAt(pcm: Buffer, n: number): number {
  return pcm.readUInt16LE(n * 2);
}

/** A sine tone as mono S16LE: something a microphone could hear. */
export function tone(frames: number, sampleRate: number, hz = 440, amplitude = 0.5): Buffer {
  const pcm = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; i++) {
    pcm.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * amplitude * 32767), i * 2);
  }
  return pcm;
}
