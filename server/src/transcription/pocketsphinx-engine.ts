import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseWav } from '@earshot/shared/wav';
import { withMono16kWav } from './audio-conversion.js';
import { type ClipAudio, EngineError, type Transcript, type TranscriptionEngine, type Word } from './transcript.js';
import { readFile } from 'node:fs/promises';

const run = promisify(execFile);

export interface PocketsphinxOptions {
  /** The executable; Debian's pocketsphinx package installs it on PATH. */
  command: string;
  /** Extra arguments, e.g. ["-hmm", dir, "-dict", file] for another model. */
  args: string[];
  timeoutMs: number;
}

/** Offline recognition with CMU pocketsphinx (English model): slow-ish and rough, but local. */
export class PocketsphinxEngine implements TranscriptionEngine {
  readonly name = 'pocketsphinx';

  constructor(private readonly options: PocketsphinxOptions) {}

  async transcribe(audio: ClipAudio, language: string, signal?: AbortSignal): Promise<Transcript> {
    return withMono16kWav(audio, async (wav) => {
      const { data } = parseWav(await readFile(wav));
      let stdout: string;
      try {
        ({ stdout } = await run(
          this.options.command,
          ['-infile', wav, '-time', 'yes', '-logfn', '/dev/null', ...this.options.args],
          { timeout: this.options.timeoutMs, maxBuffer: 16 * 1024 * 1024, signal },
        ));
      } catch (error) {
        const e = error as { killed?: boolean; stderr?: string; message: string };
        throw new EngineError(
          e.killed
            ? `pocketsphinx timed out after ${this.options.timeoutMs} ms`
            : `pocketsphinx failed: ${(e.stderr ?? '').trim() || e.message}`,
        );
      }
      const words = parsePocketsphinxTimes(stdout);
      return {
        text: words.map((w) => w.word).join(' '),
        words,
        engine: this.name,
        language,
        durationMs: (data.length / 2 / 16000) * 1000,
      };
    });
  }
}

/**
 * `-time yes` prints, per utterance, the hypothesis line and then one line per word:
 * `word start end confidence` (seconds). Silence and filler markers are not words.
 */
export function parsePocketsphinxTimes(stdout: string): Word[] {
  const words: Word[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^(\S+) (\d+\.\d+) (\d+\.\d+) (\d+(?:\.\d+)?)$/.exec(line.trim());
    if (!match) continue;
    const [, token, start, end, confidence] = match as unknown as [string, string, string, string, string];
    if (token.startsWith('<') || token.startsWith('[') || token.startsWith('++')) continue;
    words.push({
      word: token.replace(/\(\d+\)$/, ''),
      startMs: Math.round(Number(start) * 1000),
      endMs: Math.round(Number(end) * 1000),
      confidence: Number(confidence),
    });
  }
  return words;
}
