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

/** A clip whose audio is complete, not yet encoded. */
export interface CutClip {
  clipId: string;
  button: number;
  pressedAtMs: number;
  startAtMs: number;
  endAtMs: number;
  window: ClipWindow;
  gaps: ClipGap[];
  /** Interleaved S16LE; a copy, owned by the clip. */
  pcm: Buffer;
}

interface Pending {
  request: PressRequest;
  pressedAtMs: number;
  window: ClipWindow;
}

/**
 * Turns presses into clips. The window is fixed when the button is pressed; the clip is cut when
 * the buffer has caught up with its end. Each clip copies its frames out of the ring, so
 * overlapping presses each get a whole clip and none depends on audio the ring will overwrite.
 */
export class ClipCutter {
  private readonly pending: Pending[] = [];
  private readonly frameBytes: number;

  constructor(
    private readonly capture: Capture,
    private readonly sampleRate: number,
    private readonly clock: Clock,
    private readonly onClip: (clip: CutClip) => void,
  ) {
    this.frameBytes = capture.ring.frameBytes;
    capture.onWritten(() => this.cutDue());
  }

  /** A press now. Returns the window it will cover. */
  press(request: PressRequest): ClipWindow {
    if (!this.capture.timeline.hasAnchor) throw new NoAudioError();
    return this.pressAtFrame(request, this.capture.timeline.frameAt(this.clock.monotonicMs()));
  }

  /** A press at a known frame: what `press` does after locating "now" in the audio. */
  pressAtFrame(request: PressRequest, pressFrame: number): ClipWindow {
    const window = planWindow(
      pressFrame,
      Math.round(request.preSeconds * this.sampleRate),
      Math.round(request.postSeconds * this.sampleRate),
      this.capture.ring.startFrame,
    );
    this.pending.push({ request, pressedAtMs: this.clock.wallMs(), window });
    this.cutDue();
    return window;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  private cutDue(): void {
    const end = this.capture.ring.endFrame;
    for (let i = 0; i < this.pending.length;) {
      const item = this.pending[i] as Pending;
      if (item.window.endFrame > end) {
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      this.onClip(this.cut(item));
    }
  }

  private cut({ request, pressedAtMs, window }: Pending): CutClip {
    const { ring, timeline } = this.capture;
    // The start may have turned out of the buffer if the post-roll outlasted its spare room.
    const startFrame = Math.max(window.startFrame, ring.startFrame);
    const pcm = Buffer.allocUnsafe((window.endFrame - startFrame) * this.frameBytes);
    ring.copyOut(startFrame, window.endFrame, pcm);
    const msPerFrame = 1000 / this.sampleRate;
    return {
      clipId: request.clipId,
      button: request.button,
      pressedAtMs,
      startAtMs: timeline.wallMsOfFrame(startFrame),
      endAtMs: timeline.wallMsOfFrame(window.endFrame),
      window: { ...window, startFrame, truncated: window.truncated || startFrame > window.startFrame },
      gaps: this.capture.gapsIn(startFrame, window.endFrame).map((g) => {
        const from = Math.max(g.startFrame, startFrame);
        const to = Math.min(g.startFrame + g.frames, window.endFrame);
        return { startMs: (from - startFrame) * msPerFrame, durationMs: (to - from) * msPerFrame };
      }),
      pcm,
    };
  }
}

export class NoAudioError extends Error {
  override name = 'NoAudioError';
  constructor() {
    super('no audio has been captured yet');
  }
}
