import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { withMono16kWav } from '../../transcription/audio-conversion.js';
import { parsePocketsphinxTimes } from '../../transcription/pocketsphinx-engine.js';
import { type ClipAudio, EngineError } from '../../transcription/transcript.js';
import type { AnswerForm, AnswerReading, TargetedRecogniser, TimeSpan } from '../answer.js';
import { answerGrammar } from './answer-grammar.js';
import { grammarConfidence } from './grammar-confidence.js';
import { readTargetedWords } from './targeted-reading.js';
import { cutWindow } from './window-audio.js';

const run = promisify(execFile);

/** The word a carrier ends on ("out of ten"), per form. */
const SCALE_TOP = { nps: 'ten', csat: 'five', yes_no: null } as const;

export interface PocketsphinxTargetedOptions {
  command: string;
  /** The same extra model arguments as the full-transcription engine. */
  args: string[];
  timeoutMs: number;
}

/**
 * Targeted re-recognition with pocketsphinx: the answer window alone, decoded with a grammar of
 * the form's answer words and a filler path (answer-grammar.ts), read with the transcript's rules.
 */
export class PocketsphinxTargeted implements TargetedRecogniser {
  readonly name = 'pocketsphinx-grammar';

  constructor(private readonly options: PocketsphinxTargetedOptions) {}

  async recognise(
    audio: ClipAudio,
    window: TimeSpan,
    form: AnswerForm,
    language: string,
    signal?: AbortSignal,
  ): Promise<AnswerReading | null> {
    const grammar = answerGrammar(form, language);
    if (grammar === null || form === 'text') return null;
    return withMono16kWav(audio, async (wav) => {
      const dir = dirname(wav);
      const cut = await cutWindow(wav, window, audio.durationMs, dir);
      const gram = join(dir, 'answer.gram');
      await writeFile(gram, grammar);
      let stdout: string;
      try {
        ({ stdout } = await run(
          this.options.command,
          ['-infile', cut.path, '-jsgf', gram, '-time', 'yes', '-logfn', '/dev/null', ...this.options.args],
          { timeout: this.options.timeoutMs, maxBuffer: 4 * 1024 * 1024, signal },
        ));
      } catch (error) {
        const e = error as { killed?: boolean; stderr?: string; message: string };
        throw new EngineError(
          e.killed
            ? `pocketsphinx (answer grammar) timed out after ${this.options.timeoutMs} ms`
            : `pocketsphinx (answer grammar) failed: ${(e.stderr ?? '').trim() || e.message}`,
        );
      }
      const words = parsePocketsphinxTimes(stdout)
        .filter((w) => w.word !== '(NULL)')
        .map((w) => ({ ...w, startMs: w.startMs + cut.offsetMs, endMs: w.endMs + cut.offsetMs, confidence: null }));
      const reading = readTargetedWords(form, words, grammarConfidence(words, SCALE_TOP[form]));
      const decoded = words.map((w) => w.word).join(' ');
      return { ...reading, decoded, reason: `${reading.reason} (grammar decode: "${decoded}")` };
    });
  }
}
