import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TimeSpan } from '../answer.js';
import { EngineError } from '../../transcription/transcript.js';

const run = promisify(execFile);

/** How much audio to keep either side of the window: word times are rough at the edges. */
export const WINDOW_MARGIN_MS = 300;

/**
 * Cuts `window` (plus the margin, within the clip) out of a 16 kHz mono WAV into `dir`, and
 * returns the file and where it starts in the clip, to shift the words' times back.
 */
export async function cutWindow(
  wav: string,
  window: TimeSpan,
  durationMs: number,
  dir: string,
): Promise<{ path: string; offsetMs: number }> {
  const offsetMs = Math.max(0, window.startMs - WINDOW_MARGIN_MS);
  const endMs = Math.min(durationMs, window.endMs + WINDOW_MARGIN_MS);
  if (endMs <= offsetMs)
    throw new EngineError(`the answer window ${window.startMs}–${window.endMs} ms lies outside the clip`);
  const path = join(dir, 'window.wav');
  try {
    await run('sox', [wav, path, 'trim', `${offsetMs / 1000}`, `${(endMs - offsetMs) / 1000}`]);
  } catch (error) {
    throw new EngineError(`sox could not cut the answer window: ${(error as Error).message}`);
  }
  return { path, offsetMs };
}
