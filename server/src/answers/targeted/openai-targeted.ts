import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { withMono16kWav } from '../../transcription/audio-conversion.js';
import { OpenAiEngine, type OpenAiOptions } from '../../transcription/openai-engine.js';
import type { ClipAudio } from '../../transcription/transcript.js';
import type { AnswerForm, AnswerReading, TargetedRecogniser, TimeSpan } from '../answer.js';
import { readTargetedWords } from './targeted-reading.js';
import { cutWindow } from './window-audio.js';
import { primaryLanguage } from '../../transcription/language-tag.js';

/** The prompt names the answer form, in the store's language: Whisper-style models follow it. */
const PROMPTS: Record<string, Record<Exclude<AnswerForm, 'text'>, string>> = {
  en: {
    nps: 'The customer answers with a score from zero to ten, for example "eight" or "nine out of ten".',
    csat: 'The customer answers with a score from one to five, for example "four" or "five out of five".',
    yes_no: 'The customer answers yes or no.',
  },
  ru: {
    nps: 'Покупатель отвечает оценкой от нуля до десяти, например «восемь», «на девять» или «10 из 10».',
    csat: 'Покупатель отвечает оценкой от одного до пяти, например «четыре» или «пятёрка».',
    yes_no: 'Покупатель отвечает «да» или «нет».',
  },
};

/**
 * Targeted re-recognition through an OpenAI-compatible engine: only the answer window is sent,
 * with a prompt naming the expected answer form, and the reply is read with the transcript's
 * rules. A model's reading of a few seconds with the form named is trusted like a transcript
 * reading (its own word probabilities, 0.8 when it gives none): enough to confirm, not to stand
 * alone against the combine rule's bar unless the model was sure.
 */
export class OpenAiTargeted implements TargetedRecogniser {
  readonly name = 'openai-prompted';
  private readonly engine: OpenAiEngine;

  constructor(options: OpenAiOptions) {
    this.engine = new OpenAiEngine(options);
  }

  async recognise(
    audio: ClipAudio,
    window: TimeSpan,
    form: AnswerForm,
    language: string,
    signal?: AbortSignal,
  ): Promise<AnswerReading | null> {
    const primary = primaryLanguage(language);
    const prompt = form === 'text' ? undefined : (PROMPTS[primary] ?? PROMPTS.en)?.[form];
    if (prompt === undefined || form === 'text') return null;
    const { clip, offsetMs } = await withMono16kWav(audio, async (wav) => {
      const cut = await cutWindow(wav, window, audio.durationMs, dirname(wav));
      return { clip: await readFile(cut.path), offsetMs: cut.offsetMs };
    });
    const windowAudio: ClipAudio = {
      ...audio,
      data: clip,
      container: 'wav',
      codec: 'pcm_s16le',
      sampleRate: 16000,
      channels: 1,
    };
    const transcript = await this.engine.transcribe(windowAudio, language, signal, prompt);
    // Servers without word times: the window's text, spread over the window, still reads.
    const words =
      transcript.words.length > 0
        ? transcript.words.map((w) => ({ ...w, startMs: w.startMs + offsetMs, endMs: w.endMs + offsetMs }))
        : transcript.text
            .split(/\s+/)
            .filter((w) => w !== '')
            .map((word) => ({ word, startMs: window.startMs, endMs: window.endMs, confidence: null }));
    const reading = readTargetedWords(form, words, (r) => {
      const probabilities = r.evidence.map((w) => w.confidence).filter((c): c is number => c !== null);
      return probabilities.length > 0 ? Math.min(...probabilities) : 0.8;
    });
    const decoded = words.map((w) => w.word).join(' ');
    return { ...reading, decoded, reason: `${reading.reason} (window heard as "${transcript.text}")` };
  }
}
