/** One recognised word, with its place in the clip. */
export interface Word {
  word: string;
  startMs: number;
  endMs: number;
  /** 0..1 where the engine gives one. */
  confidence: number | null;
}

export interface Transcript {
  text: string;
  words: Word[];
  engine: string;
  /** BCP 47 tag the engine was asked for (or detected). */
  language: string;
  /** Duration of the audio the engine heard. */
  durationMs: number;
}

/** A clip's audio as stored. */
export interface ClipAudio {
  data: Buffer;
  container: 'wav' | 'ogg';
  codec: 'pcm_s16le' | 'opus';
  sampleRate: number;
  channels: number;
  durationMs: number;
}

/** Something that turns audio into words. */
export interface TranscriptionEngine {
  readonly name: string;
  transcribe(audio: ClipAudio, language: string, signal?: AbortSignal): Promise<Transcript>;
}

/**
 * A failed transcription, said so that a person can act on it from the dead-letter list.
 * `retryAfterMs` carries what the engine asked for (HTTP 429/503 Retry-After).
 */
export class EngineError extends Error {
  override name = 'EngineError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
