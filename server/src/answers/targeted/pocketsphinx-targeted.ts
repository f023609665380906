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

/**
 * Arguments of every grammar decode, before the operator's own (which may override them). A word
 * insertion penalty of 0.2 (pocketsphinx's default is 0.65) keeps the decode from explaining a
 * breath or the tail of the question's last word with a short number word: at the default, a
 * stray "eight" came into about a quarter of the clean corpus's windows, voiding or faking answers.
 */
export const GRAMMAR_DECODE_ARGS = ['-wip', '0.2'];

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
          [
            '-infile',
            cut.path,
            '-jsgf',
            gram,
            '-time',
            'yes',
            '-logfn',
            '/dev/null',
            ...GRAMMAR_DECODE_ARGS,
            ...this.options.args,
          ],
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
      return { ...reading, reason: `${reading.reason} (grammar decode: "${words.map((w) => w.word).join(' ')}")` };
    });
  }
}
