import type { ClipGap } from '@earshot/shared/protocol';
import type { Capture } from '../audio/capture.js';
import type { Clock } from '../audio/clock.js';
import { type ClipWindow, planWindow } from './clip-window.js';

export interface PressRequest {
  clipId: string;
  button: number;
  preSeconds: number;
  postSeconds: number;
}

/** What is known of a clip at its press. */
export interface ClipStart {
  clipId: string;
  button: number;
  window: ClipWindow;
  /** Wall-clock labels, all read at the press so that a later clock step cannot skew them apart. */
  pressedAtMs: number;
  startAtMs: number;
  endAtMs: number;
}

/** Receives clips as their audio arrives. Buffers passed in are copies the listener may keep. */
export interface ClipListener {
  /** A press, with the audio already held (the pre-roll, up to the newest frame). */
  started(clip: ClipStart, pcm: Buffer, gaps: ClipGap[]): void;
  /** The next frames of the clip, in order; `gaps` is set when the clip's gaps changed. */
  audio(clipId: string, pcm: Buffer, gaps: ClipGap[] | undefined): void;
  /** The window is complete: every frame has been passed on. */
  ended(clipId: string, gaps: ClipGap[]): void;
}

interface Pending {
  clip: ClipStart;
  /** Next frame to pass on. */
  copiedTo: number;
  /** The capture's gap count when this clip's gaps were last reported. */
  gapsSeen: number;
}

/**
 * Turns presses into clips. The window is fixed when the button is pressed; the audio held is
 * copied out at once and the rest as it arrives, so the ring may turn freely, each of
 * overlapping presses gets a whole clip of its own, and a listener can store and encode the clip
 * while its post-roll is still being recorded.
 */
export class ClipCutter {
  private readonly pending: Pending[] = [];
  private readonly frameBytes: number;

  constructor(
    private readonly capture: Capture,
    private readonly sampleRate: number,
    private readonly clock: Clock,
    private readonly listener: ClipListener,
  ) {
    this.frameBytes = capture.ring.frameBytes;
    capture.onWritten(() => this.forward());
  }

  /** A press now. Returns what the clip will cover. */
  press(request: PressRequest): ClipStart {
    if (!this.capture.timeline.hasAnchor) throw new NoAudioError();
    return this.pressAtFrame(request, this.capture.timeline.frameAt(this.clock.monotonicMs()));
  }

  /** A press at a known frame: what `press` does after locating "now" in the audio. */
  pressAtFrame(request: PressRequest, pressFrame: number): ClipStart {
    const window = planWindow(
      pressFrame,
      Math.round(request.preSeconds * this.sampleRate),
      Math.round(request.postSeconds * this.sampleRate),
      this.capture.ring.startFrame,
    );
    const pressedAtMs = this.clock.wallMs();
    const msPerFrame = 1000 / this.sampleRate;
    const clip: ClipStart = {
      clipId: request.clipId,
      button: request.button,
      window,
      pressedAtMs,
      startAtMs: pressedAtMs - (pressFrame - window.startFrame) * msPerFrame,
      endAtMs: pressedAtMs + (window.endFrame - pressFrame) * msPerFrame,
    };
    const item: Pending = { clip, copiedTo: window.startFrame, gapsSeen: this.capture.gapsRecorded };
    this.pending.push(item);
    this.listener.started(clip, this.take(item), this.gapsOf(window));
    if (item.copiedTo === window.endFrame) this.end(item);
    return clip;
  }

  /** Stops following a clip; returns whether it was still recording. */
  cancel(clipId: string): boolean {
    const at = this.pending.findIndex((p) => p.clip.clipId === clipId);
    if (at < 0) return false;
    this.pending.splice(at, 1);
    return true;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  private forward(): void {
    for (let i = 0; i < this.pending.length;) {
      const item = this.pending[i] as Pending;
      const pcm = this.take(item);
      const gapsChanged = item.gapsSeen !== this.capture.gapsRecorded;
      item.gapsSeen = this.capture.gapsRecorded;
      if (pcm.length > 0 || gapsChanged) {
        this.listener.audio(item.clip.clipId, pcm, gapsChanged ? this.gapsOf(item.clip.window) : undefined);
      }
      if (item.copiedTo === item.clip.window.endFrame) this.end(item);
      else i++;
    }
  }

  /** Copies the clip's frames that have arrived since the last call. */
  private take(item: Pending): Buffer {
    const until = Math.min(item.clip.window.endFrame, this.capture.ring.endFrame);
    const from = item.copiedTo;
    if (until <= from) return Buffer.alloc(0);
    const pcm = Buffer.allocUnsafe((until - from) * this.frameBytes);
    this.capture.ring.copyOut(from, until, pcm);
    item.copiedTo = until;
    return pcm;
  }

  private end(item: Pending): void {
    this.pending.splice(this.pending.indexOf(item), 1);
    this.listener.ended(item.clip.clipId, this.gapsOf(item.clip.window));
  }

  /** The capture's gaps within the window, as offsets from its start. */
  private gapsOf(window: ClipWindow): ClipGap[] {
    const msPerFrame = 1000 / this.sampleRate;
    return this.capture.gapsIn(window.startFrame, window.endFrame).map((g) => {
      const from = Math.max(g.startFrame, window.startFrame);
      const to = Math.min(g.startFrame + g.frames, window.endFrame);
      return { startMs: (from - window.startFrame) * msPerFrame, durationMs: (to - from) * msPerFrame };
    });
  }
}

export class NoAudioError extends Error {
  override name = 'NoAudioError';
  constructor() {
    super('no audio has been captured yet');
  }
}
