import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { httpCall, jsonBody } from './http-call.js';
import { type ClipAudio, EngineError, type Transcript, type TranscriptionEngine } from './transcript.js';
import { primaryLanguage } from './language-tag.js';

export interface OpenAiOptions {
  /** Base URL, e.g. http://127.0.0.1:8000 (whisper.cpp server, speaches, LocalAI, vLLM) or https://api.openai.com */
  url: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
}

const VerboseJson = Type.Object({
  text: Type.String(),
  language: Type.Optional(Type.String()),
  duration: Type.Optional(Type.Number()),
  // Several servers send null when they have no word timestamps.
  words: Type.Optional(
    Type.Union([
      Type.Null(),
      Type.Array(
        Type.Object({
          word: Type.String(),
          start: Type.Number(),
          end: Type.Number(),
          probability: Type.Optional(Type.Number()),
        }),
      ),
    ]),
  ),
});
const checkVerboseJson = TypeCompiler.Compile(VerboseJson);

const MIME: Record<ClipAudio['container'], string> = { wav: 'audio/wav', ogg: 'audio/ogg' };

/** POST /v1/audio/transcriptions, verbose_json with word timestamps. */
export class OpenAiEngine implements TranscriptionEngine {
  readonly name = 'openai';

  constructor(private readonly options: OpenAiOptions) {}

  /** `prompt`: text that steers the model's vocabulary (the targeted re-recognition names the answer form). */
  async transcribe(audio: ClipAudio, language: string, signal?: AbortSignal, prompt?: string): Promise<Transcript> {
    const form = new FormData();
    form.append('file', new Blob([audio.data], { type: MIME[audio.container] }), `clip.${audio.container}`);
    form.append('model', this.options.model);
    form.append('language', primaryLanguage(language));
    form.append('response_format', 'verbose_json');
    form.append('timestamp_granularities[]', 'word');
    if (prompt !== undefined) form.append('prompt', prompt);
    const response = await httpCall({
      engine: this.name,
      url: new URL('/v1/audio/transcriptions', this.options.url).toString(),
      init: {
        method: 'POST',
        body: form,
        headers: this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
      },
      timeoutMs: this.options.timeoutMs,
      signal,
    });
    const body = await jsonBody(this.name, response);
    if (!checkVerboseJson.Check(body)) {
      const first = checkVerboseJson.Errors(body).First();
      throw new EngineError(
        `${this.name}: malformed response: ${first ? `${first.path || '/'} ${first.message}` : 'unexpected shape'}`,
      );
    }
    const result: Static<typeof VerboseJson> = body;
    return {
      text: result.text.trim(),
      words: (result.words ?? []).map((w) => ({
        word: w.word.trim(),
        startMs: Math.round(w.start * 1000),
        endMs: Math.round(w.end * 1000),
        confidence: w.probability ?? null,
      })),
      engine: this.name,
      language: result.language ?? language,
      durationMs: result.duration !== undefined ? result.duration * 1000 : audio.durationMs,
    };
  }
}
