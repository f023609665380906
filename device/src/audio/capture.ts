import type { AudioSink } from './audio-source.js';
import type { Clock } from './clock.js';
import { MicHealth } from './mic-health.js';
import { RingBuffer } from './ring-buffer.js';
import { Timeline } from './timeline.js';

/** Frames that were never captured (the recorder was down) and stand as silence in the buffer. */
export interface Gap {
  startFrame: number;
  frames: number;
  reason: string;
}

export interface CaptureOptions {
  sampleRate: number;
  frameBytes: number;
  capacityFrames: number;
  channels: number;
  /** Digital silence this long reports the mic dead. */
  micDeadSeconds: number;
  clock: Clock;
}

/**
 * The receiving end of an audio source: keeps the ring buffer, the timeline and the list of gaps
 * consistent with each other. After an interruption it fills the time the recorder was away with
 * silence, so that frame numbers keep tracking time and a press still lands on the right audio,
 * and it records the gap so that no clip silently stitches across it.
 */
export class Capture implements AudioSink {
  readonly ring: RingBuffer;
  readonly timeline: Timeline;
  readonly health: MicHealth;
  private readonly gaps: Gap[] = [];
  /** Gaps recorded since start: lets a reader notice a new one without comparing lists. */
  gapsRecorded = 0;
  private pendingGap: string | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: CaptureOptions) {
    this.ring = new RingBuffer(options.capacityFrames, options.frameBytes);
    this.timeline = new Timeline(options.sampleRate, options.clock);
    this.health = new MicHealth(options.sampleRate, options.channels, options.micDeadSeconds, options.clock);
  }

  audio(pcm: Buffer): void {
    if (this.pendingGap !== undefined && this.timeline.hasAnchor) {
      const now = this.options.clock.monotonicMs();
      const chunkStart = this.timeline.frameAt(now) - Math.floor(pcm.length / this.options.frameBytes);
      const missing = chunkStart - this.ring.endFrame;
      if (missing > 0) {
        this.gaps.push({ startFrame: this.ring.endFrame, frames: missing, reason: this.pendingGap });
        this.gapsRecorded++;
        this.ring.writeSilence(missing);
      }
    }
    this.pendingGap = undefined;
    this.ring.write(pcm);
    this.health.observe(pcm);
    this.timeline.noteWritten(this.ring.endFrame);
    this.pruneGaps();
    for (const listener of this.listeners) listener();
  }

  interrupted(reason: string): void {
    this.pendingGap ??= reason;
  }

  /** Calls `listener` after every write; returns the function that unsubscribes it. */
  onWritten(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Gaps that overlap frames [start, end). */
  gapsIn(start: number, end: number): Gap[] {
    return this.gaps.filter((g) => g.startFrame < end && g.startFrame + g.frames > start);
  }

  private pruneGaps(): void {
    const oldest = this.ring.startFrame;
    while (this.gaps.length > 0 && (this.gaps[0] as Gap).startFrame + (this.gaps[0] as Gap).frames <= oldest)
      this.gaps.shift();
  }
}
