import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClipAudio, Transcript, TranscriptionEngine } from '../../../src/transcription/transcript.js';

/**
 * A transcription engine whose transcripts are kept in `dir`, keyed by the audio and `settings`
 * (the engine's arguments). The bench's full decodes take most of its time and do not change
 * while the targeted decode or the reader is tuned: with a cache, a trial re-runs in minutes.
 */
export class CachedEngine implements TranscriptionEngine {
  readonly name: string;

  constructor(
    private readonly engine: TranscriptionEngine,
    private readonly dir: string,
    private readonly settings: string,
  ) {
    this.name = engine.name;
  }

  async transcribe(audio: ClipAudio, language: string, signal?: AbortSignal): Promise<Transcript> {
    const key = createHash('sha256').update(this.settings).update(language).update(audio.data).digest('hex');
    const path = join(this.dir, `${key}.json`);
    try {
      return JSON.parse(await readFile(path, 'utf8')) as Transcript;
    } catch {
      const transcript = await this.engine.transcribe(audio, language, signal);
      await mkdir(this.dir, { recursive: true });
      await writeFile(path, JSON.stringify(transcript));
      return transcript;
    }
  }
}
