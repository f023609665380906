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
  /**
   * Why capture is no longer being looked after (no recorder running and none about to be
   * restarted, its stall check no longer running), or undefined: the daemon then stops feeding
   * systemd's watchdog. A failing microphone is not such a reason: it is being retried.
   */
  unsupervised(): string | undefined;
}
