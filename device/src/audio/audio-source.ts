import type { PcmFormat } from '@earshot/shared/wav';

/** Where captured audio goes. Called in capture order, never concurrently. */
export interface AudioSink {
  /** Interleaved S16LE PCM as it arrives; arbitrary lengths, not necessarily whole frames. */
  audio(pcm: Buffer): void;
  /** Capture stopped unexpectedly; audio may resume later, after a gap. */
  interrupted(reason: string): void;
}

/** Anything that produces a live PCM stream: a microphone through a recorder, a file, a test. */
export interface AudioSource {
  readonly format: PcmFormat;
  /** Times capture failed and was restarted since start, and the last reason: for status. */
  readonly restarts: number;
  readonly lastFailure: string | undefined;
  start(sink: AudioSink): void;
  stop(): Promise<void>;
}
