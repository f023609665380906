import { setTimeout as sleep } from 'node:timers/promises';
import { parseWav } from '@earshot/shared/wav';
import { mono16kWav } from './audio-conversion.js';
import { httpCall, jsonBody } from './http-call.js';
import { type ClipAudio, EngineError, type Transcript, type TranscriptionEngine, type Word } from './transcript.js';

export interface YandexOptions {
  /** SpeechKit STT endpoint, https://stt.api.cloud.yandex.net */
  url: string;
  /** Operation service, https://operation.api.cloud.yandex.net */
  operationsUrl: string;
  apiKey: string;
  model: string;
  /** Per HTTP request. */
  timeoutMs: number;
  pollIntervalMs: number;
  /** How long to wait for a recognition to finish before giving up (the job is retried). */
  maxWaitMs: number;
}

/**
 * SpeechKit v3 asynchronous recognition: recognizeFileAsync with the audio inline (base64), then
 * the operation is polled until done and getRecognition returns the results (one JSON object per
 * line). Ogg/Opus goes as is; WAV is sent as 16 kHz mono LINEAR16_PCM.
 */
export class YandexEngine implements TranscriptionEngine {
  readonly name = 'yandex';

  constructor(private readonly options: YandexOptions) {}

  async transcribe(audio: ClipAudio, language: string, signal?: AbortSignal): Promise<Transcript> {
    const languageCode = yandexLanguage(language);
    const { content, audioFormat } = await this.payload(audio);
    const headers = { authorization: `Api-Key ${this.options.apiKey}`, 'content-type': 'application/json' };
    const call = (url: string, init: RequestInit) =>
      httpCall({ engine: this.name, url, init, timeoutMs: this.options.timeoutMs, signal });

    const started = await jsonBody(
      this.name,
      await call(`${this.options.url}/stt/v3/recognizeFileAsync`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          content,
          recognitionModel: {
            model: this.options.model,
            audioFormat,
            languageRestriction: { restrictionType: 'WHITELIST', languageCode: [languageCode] },
          },
        }),
      }),
    );
    const operationId = (started as { id?: unknown }).id;
    if (typeof operationId !== 'string' || operationId === '') {
      throw new EngineError(`${this.name}: malformed response to recognizeFileAsync: no operation id`);
    }

    const deadline = Date.now() + this.options.maxWaitMs;
    for (;;) {
      const operation = (await jsonBody(
        this.name,
        await call(`${this.options.operationsUrl}/operations/${encodeURIComponent(operationId)}`, { headers }),
      )) as { done?: unknown; error?: { code?: unknown; message?: unknown } };
      if (operation.error) {
        throw new EngineError(
          `${this.name}: recognition ${operationId} failed: ${String(operation.error.message ?? operation.error.code)}`,
        );
      }
      if (operation.done === true) break;
      if (Date.now() >= deadline) {
        throw new EngineError(`${this.name}: recognition ${operationId} not done after ${this.options.maxWaitMs} ms`);
      }
      await sleep(this.options.pollIntervalMs, undefined, { signal });
    }

    const results = await call(
      `${this.options.url}/stt/v3/getRecognition?operationId=${encodeURIComponent(operationId)}`,
      { headers },
    );
    const words = parseRecognition(this.name, await results.text());
    return {
      text: words.map((w) => w.word).join(' '),
      words,
      engine: this.name,
      language: languageCode,
      durationMs: audio.durationMs,
    };
  }

  private async payload(audio: ClipAudio): Promise<{ content: string; audioFormat: object }> {
    if (audio.container === 'ogg') {
      return {
        content: audio.data.toString('base64'),
        audioFormat: { containerAudio: { containerAudioType: 'OGG_OPUS' } },
      };
    }
    const { data } = parseWav(await mono16kWav(audio));
    return {
      content: data.toString('base64'),
      audioFormat: { rawAudio: { audioEncoding: 'LINEAR16_PCM', sampleRateHertz: 16000, audioChannelCount: 1 } },
    };
  }
}

interface Alternative {
  text?: string;
  words?: { text?: string; startTimeMs?: string | number; endTimeMs?: string | number }[];
  confidence?: number;
}

/** getRecognition streams `{"result": {...}}` objects, one per line; the `final` ones hold the words. */
export function parseRecognition(engine: string, body: string): Word[] {
  const words: Word[] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    let message: { result?: { final?: { alternatives?: Alternative[] } }; error?: { message?: string } };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      throw new EngineError(`${engine}: malformed recognition result, not JSON: ${line.slice(0, 200)}`);
    }
    if (message.error) throw new EngineError(`${engine}: recognition failed: ${message.error.message ?? 'unknown'}`);
    const best = message.result?.final?.alternatives?.[0];
    if (!best) continue;
    for (const w of best.words ?? []) {
      if (typeof w.text !== 'string' || w.startTimeMs === undefined || w.endTimeMs === undefined) {
        throw new EngineError(`${engine}: malformed recognition result: a word without text or times`);
      }
      words.push({
        word: w.text,
        startMs: Number(w.startTimeMs),
        endMs: Number(w.endTimeMs),
        confidence: typeof best.confidence === 'number' && best.confidence > 0 ? best.confidence : null,
      });
    }
  }
  return words;
}

/** SpeechKit wants a region: ru -> ru-RU, en -> en-US. */
export function yandexLanguage(tag: string): string {
  if (tag.includes('-')) return tag;
  return tag === 'en' ? 'en-US' : `${tag.toLowerCase()}-${tag.toUpperCase()}`;
}
