import { readFileSync } from 'node:fs';
import { bytesPerFrame, type PcmFormat, parseWav } from '@earshot/shared/wav';
import type { AudioSink, AudioSource } from './audio-source.js';
import type { Clock } from './clock.js';

export interface FileSourceOptions {
  path: string;
  /** Format of the stream; a WAV file must match it, a raw file is read as it. */
  format: PcmFormat;
  /** Start again from the beginning at the end of the file. */
  loop: boolean;
  /** `realtime`: delivered at the pace of a microphone. `unpaced`: as fast as the sink takes it. */
  pace: 'realtime' | 'unpaced';
  clock: Clock;
  tickMs?: number;
}

/**
 * Plays a recording as if it were a microphone: the simulated device of the demo and of the
 * end-to-end tests. Paced by the monotonic clock, not by counting ticks, so timer jitter never
 * accumulates into drift.
 */
export class FileSource implements AudioSource {
  readonly format: PcmFormat;
  readonly restarts = 0;
  readonly lastFailure = undefined;
  private readonly pcm: Buffer;
  private readonly frameBytes: number;
  private timer: NodeJS.Timeout | undefined;
  private position = 0;
  private delivered = 0;

  constructor(private readonly options: FileSourceOptions) {
    this.format = options.format;
    this.frameBytes = bytesPerFrame(options.format);
    const file = readFileSync(options.path);
    if (options.path.toLowerCase().endsWith('.wav')) {
      const wav = parseWav(file);
      if (wav.format.sampleRate !== options.format.sampleRate || wav.format.channels !== options.format.channels) {
        throw new Error(
          `${options.path} is ${wav.format.sampleRate} Hz ${wav.format.channels} ch; audio is configured for ` +
            `${options.format.sampleRate} Hz ${options.format.channels} ch (convert it with sox)`,
        );
      }
      this.pcm = wav.data;
    } else {
      this.pcm = file.subarray(0, file.length - (file.length % this.frameBytes));
    }
    if (this.pcm.length === 0) throw new Error(`${options.path} holds no audio`);
  }

  /** A file needs no supervision. */
  unsupervised(): undefined {
    return undefined;
  }

  start(sink: AudioSink): void {
    if (this.options.pace === 'unpaced') {
      this.deliver(sink, this.pcm.length);
      return;
    }
    const startedAt = this.options.clock.monotonicMs();
    const bytesPerMs = (this.format.sampleRate * this.frameBytes) / 1000;
    this.timer = setInterval(() => {
      const due =
        Math.floor(((this.options.clock.monotonicMs() - startedAt) * bytesPerMs) / this.frameBytes) * this.frameBytes;
      if (due > this.delivered) this.deliver(sink, due - this.delivered);
    }, this.options.tickMs ?? 20);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private deliver(sink: AudioSink, bytes: number): void {
    let left = bytes;
    while (left > 0) {
      if (this.position === this.pcm.length) {
        if (!this.options.loop) {
          clearInterval(this.timer);
          return;
        }
        this.position = 0;
      }
      const n = Math.min(left, this.pcm.length - this.position);
      sink.audio(this.pcm.subarray(this.position, this.position + n));
      this.position += n;
      this.delivered += n;
      left -= n;
    }
  }
}
