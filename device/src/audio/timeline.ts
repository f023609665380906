import type { Clock } from './clock.js';

/** How many recent writes are kept to estimate where "now" is in the audio. */
const ANCHORS = 32;

/**
 * Maps moments to frame numbers. Every write of captured audio leaves an anchor: "frame F had
 * arrived by monotonic time M". Audio reaches us late (pipe and scheduling delays) but never
 * early, so of the recent anchors the one that projects furthest is the least delayed: taking
 * the maximum projection removes jitter, and using only recent anchors follows a sound card
 * clock that drifts against the system clock.
 */
export class Timeline {
  private readonly frames = new Float64Array(ANCHORS);
  private readonly times = new Float64Array(ANCHORS);
  private count = 0;
  private next = 0;

  constructor(
    readonly sampleRate: number,
    private readonly clock: Clock,
  ) {}

  /** Records that frames up to (not including) `endFrame` have been captured as of now. */
  noteWritten(endFrame: number): void {
    this.frames[this.next] = endFrame;
    this.times[this.next] = this.clock.monotonicMs();
    this.next = (this.next + 1) % ANCHORS;
    this.count = Math.min(this.count + 1, ANCHORS);
  }

  get hasAnchor(): boolean {
    return this.count > 0;
  }

  /** Frame being captured at monotonic time `monotonicMs` (may lie in the future). */
  frameAt(monotonicMs: number): number {
    if (this.count === 0) throw new Error('timeline has no audio yet');
    let best = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.count; i++) {
      const projected =
        (this.frames[i] as number) + ((monotonicMs - (this.times[i] as number)) * this.sampleRate) / 1000;
      if (projected > best) best = projected;
    }
    return Math.max(0, Math.round(best));
  }
}
