import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { withMono16kWav } from '../../transcription/audio-conversion.js';
import { parsePocketsphinxTimes } from '../../transcription/pocketsphinx-engine.js';
import { type ClipAudio, EngineError, type Word } from '../../transcription/transcript.js';
import type { AnswerForm, AnswerReading, TargetedRecogniser, TimeSpan } from '../answer.js';
import { answerGrammar } from './answer-grammar.js';
import { grammarConfidence, SCALE_TOP } from './grammar-confidence.js';
import { readTargetedWords } from './targeted-reading.js';
import { cutWindow } from './window-audio.js';
import { DECODE_VARIANTS, rescaled, voteNumbers } from './decode-variants.js';

const run = promisify(execFile);

export interface PocketsphinxTargetedOptions {
  command: string;
  /** The same extra model arguments as the full-transcription engine. */
  args: string[];
  timeoutMs: number;
}

/**
 * Targeted re-recognition with pocketsphinx: the answer window alone, decoded with a grammar of
 * the form's answer words and a filler path (answer-grammar.ts), three times (as cut, and slightly
 * faster and slower: decode-variants.ts, whose vote sets aside stray numbers), read with the
 * transcript's rules.
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
      const first = await this.decode(cut.path, gram, signal);
      const variants: Word[][] = [];
      for (const variant of DECODE_VARIANTS) {
        const path = join(dir, `window-${variant.name}.wav`);
        try {
          // -D: no dither. sox dithers what an effect writes back to 16 bits, from a random seed
          // unless told otherwise, and the same window then decoded differently run to run.
          await run('sox', ['-D', cut.path, path, ...variant.effect]);
        } catch (error) {
          throw new EngineError(`sox could not make the ${variant.name} window: ${(error as Error).message}`);
        }
        variants.push(rescaled(await this.decode(path, gram, signal), variant));
      }
      const voted = voteNumbers(first, variants);
      const words = voted.words.map((w) => ({
        ...w,
        startMs: w.startMs + cut.offsetMs,
        endMs: w.endMs + cut.offsetMs,
      }));
      const reading = readTargetedWords(form, words, grammarConfidence(words, SCALE_TOP[form]));
      const decoded = first.map((w) => w.word).join(' ');
      const setAside =
        voted.dropped.length === 0
          ? ''
          : `; ${voted.dropped.map((w) => `"${w.word}"`).join(', ')} heard by fewer than half of ${1 + variants.length} decodes, set aside`;
      return { ...reading, decoded, reason: `${reading.reason} (grammar decode: "${decoded}"${setAside})` };
    });
  }

  /** The grammar decode of one WAV file: its words, timed from the file's start. */
  private async decode(path: string, gram: string, signal?: AbortSignal): Promise<Word[]> {
    let stdout: string;
    try {
      ({ stdout } = await run(
        this.options.command,
        ['-infile', path, '-jsgf', gram, '-time', 'yes', '-logfn', '/dev/null', ...this.options.args],
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
    return parsePocketsphinxTimes(stdout)
      .filter((w) => w.word !== '(NULL)')
      .map((w) => ({ ...w, confidence: null }));
  }
}
