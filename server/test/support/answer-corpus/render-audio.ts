import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { speak } from '@earshot/test-kit/speech';
import { parseWav, wavHeader } from '@earshot/shared/wav';
import type { ClipAudio } from '../../../src/transcription/transcript.js';
import { type CorpusCase, layOut, type TimedCase } from './corpus-case.js';

export const RATE = 16000;

/** flite spells "hmm" out letter by letter; the audio says "um" where the script says "hmm". */
const spoken = (text: string) => text.replace(/\bhmm\b/gi, 'um');

export interface RenderedCase {
  timed: TimedCase;
  /** 16 kHz mono S16 samples of the whole clip. */
  pcm: Int16Array;
}

/** Speaks each turn with its speaker's flite voice and places the turns on the clip's time line. */
export async function renderCase(c: CorpusCase, dir: string): Promise<RenderedCase> {
  const turns: Int16Array[] = [];
  for (const [i, turn] of c.turns.entries()) {
    const path = join(dir, `${c.id}-${i}.wav`);
    await speak(spoken(turn.text), path, c.voices[turn.speaker]);
    const { data } = parseWav(await readFile(path));
    turns.push(new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length)));
  }
  const timed = layOut(
    c,
    turns.map((t) => (t.length / RATE) * 1000),
  );
  const pcm = new Int16Array(Math.ceil((timed.durationMs / 1000) * RATE));
  let at = 500;
  c.turns.forEach((turn, i) => {
    at += turn.gapMs;
    const samples = turns[i] as Int16Array;
    pcm.set(
      samples.subarray(0, Math.max(0, pcm.length - Math.round((at / 1000) * RATE))),
      Math.round((at / 1000) * RATE),
    );
    at += (samples.length / RATE) * 1000;
  });
  return { timed, pcm };
}

/** The clip as the worker would read it from the blob store. */
export function clipAudio(pcm: Int16Array): ClipAudio {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  return {
    data: Buffer.concat([wavHeader({ sampleRate: RATE, channels: 1, bitsPerSample: 16 }, data.length), data]),
    container: 'wav',
    codec: 'pcm_s16le',
    sampleRate: RATE,
    channels: 1,
    durationMs: (pcm.length / RATE) * 1000,
  };
}
