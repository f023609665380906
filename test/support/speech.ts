import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Speaks `text` with flite into a 16 kHz mono S16 WAV at `path` (flite's own rate varies by
 * voice, so sox resamples). The `rms` voice is the one pocketsphinx recognises best.
 */
export async function speak(text: string, path: string, voice = 'rms'): Promise<void> {
  const raw = `${path}.flite.wav`;
  await run('flite', ['-voice', voice, '-t', text, '-o', raw]);
  try {
    await run('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', '-e', 'signed-integer', path]);
  } finally {
    await rm(raw, { force: true });
  }
}
