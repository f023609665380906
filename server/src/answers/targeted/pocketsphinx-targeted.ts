import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { withMono16kWav } from '../../transcription/audio-conversion.js';
import { parsePocketsphinxTimes } from '../../transcription/pocketsphinx-engine.js';
import { type ClipAudio, EngineError, type Word } from '../../transcription/transcript.js';
import type { AnswerForm, AnswerReading, TargetedRecogniser, TimeSpan } from '../answer.js';
import { answerGrammar } from './answer-grammar.js';
import { readTargetedWords } from './targeted-reading.js';
import { cutWindow } from './window-audio.js';

const run = promisify(execFile);

export interface PocketsphinxTargetedOptions {
  command: string;
  /** The same extra model arguments as the full-transcription engine. */
  args: string[];
  timeoutMs: number;
}

/**
 * Confidence of a grammar decode. pocketsphinx reports 1.0 for every word of a JSGF path, so the
 * confidence comes from the shape of what was heard: a number with its carrier ("nine out of
 * ten") is hard to make out of other sounds (0.9, enough to stand alone); a bare number or a
 * yes/no is easy to insert into noise (0.75: it confirms the transcript, never stands alone).
 */
function grammarConfidence(words: readonly Word[]) {
  return (reading: AnswerReading): number => {
    const last = reading.evidence.at(-1);
    const at = last ? words.findIndex((w) => w.startMs === last.startMs && w.word === last.word) : -1;
    // The decode slips short fillers into the carrier ("nine a out to of"): "out" then "of" within
    // the next four words still count.
    const next = words.slice(at + 1, at + 5).map((w) => w.word);
    const out = next.indexOf('out');
    const carried = next[0] === 'of' || (out >= 0 && next.indexOf('of', out + 1) > out);
    return at >= 0 && carried ? 0.9 : 0.75;
  };
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
      const reading = readTargetedWords(form, words, grammarConfidence(words));
      return { ...reading, reason: `${reading.reason} (grammar decode: "${words.map((w) => w.word).join(' ')}")` };
    });
  }
}
