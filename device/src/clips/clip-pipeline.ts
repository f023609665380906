import type { Logger } from '@earshot/shared/log';
import type { ClipGap, ClipMeta } from '@earshot/shared/protocol';
import type { PcmFormat } from '@earshot/shared/wav';
import type { Clock } from '../audio/clock.js';
import type { ClockSync } from '../audio/clock-sync.js';
import type { Outbox } from '../outbox/outbox.js';
import type { ClipListener, ClipStart } from './clip-cutter.js';
import { type ClipEncoder, type ClipEncoding, WavEncoder } from './clip-encoder.js';
import type { ClipJournal, JournalEntry } from './clip-journal.js';

export interface ClipPipelineOptions {
  format: PcmFormat;
  encoder: ClipEncoder;
  journal: ClipJournal;
  outbox: Outbox;
  /** Identifies this run's frame numbering (ClipMeta.captureSession). */
  captureSession: string;
  clockSync: () => ClockSync;
  /** A clip can be cancelled this long after its press (and only until it is delivered). */
  cancelWithinMs: number;
  clock: Clock;
  logger: Logger;
  /** A clip is in the outbox. */
  onStored: (clipId: string) => void;
}

type State = 'recording' | 'storing' | 'stored' | 'delivered' | 'cancelled';

interface Clip {
  meta: ClipMeta;
  state: State;
  pressedMonoMs: number;
  /** The audio, kept until stored: what the WAV fallback encodes if the encoder fails. */
  pcm: Buffer[];
  encoding: ClipEncoding;
  journal: JournalEntry;
}

/** Clips remembered for cancelling: the newest ones are all a cancel gesture can reach. */
const REMEMBERED = 16;

/**
 * What happens to a clip between the press and the outbox: its audio is saved to the journal
 * (durable pre-roll, post-roll appended) and fed to the encoder as it arrives; once complete the
 * encoded file goes into the outbox and the journal entry is dropped. Clips the journal still
 * holds at start (the daemon died during a post-roll) are finalised with the audio saved and
 * flagged `interrupted`. The newest clip can be cancelled until it has been delivered.
 */
export class ClipPipeline implements ClipListener {
  private readonly clips = new Map<string, Clip>();
  /** Oldest first, at most REMEMBERED. */
  private readonly order: string[] = [];
  private readonly fallback = new WavEncoder();
  /** Clips reach the outbox one after another, in the order their windows closed. */
  private storing: Promise<void> = Promise.resolve();

  constructor(private readonly options: ClipPipelineOptions) {}

  started(start: ClipStart, pcm: Buffer, gaps: ClipGap[]): void {
    const meta = this.plannedMeta(start, gaps);
    const clip: Clip = {
      meta,
      state: 'recording',
      pressedMonoMs: this.options.clock.monotonicMs(),
      pcm: [pcm],
      encoding: this.options.encoder.begin(this.options.format),
      journal: this.options.journal.begin(meta, pcm),
    };
    clip.encoding.write(pcm);
    this.clips.set(meta.clipId, clip);
    this.order.push(meta.clipId);
    while (this.order.length > REMEMBERED) this.forget(this.order[0] as string);
  }

  audio(clipId: string, pcm: Buffer, gaps: ClipGap[] | undefined): void {
    const clip = this.clips.get(clipId);
    if (clip?.state !== 'recording') return;
    if (pcm.length > 0) {
      clip.pcm.push(pcm);
      clip.encoding.write(pcm);
      clip.journal.append(pcm);
    }
    if (gaps) {
      clip.meta = { ...clip.meta, gaps };
      clip.journal.updateMeta(clip.meta);
    }
  }

  ended(clipId: string, gaps: ClipGap[]): void {
    const clip = this.clips.get(clipId);
    if (clip?.state !== 'recording') return;
    clip.state = 'storing';
    clip.meta = { ...clip.meta, gaps };
    this.enqueue(clipId, () => this.store(clip));
  }

  /** The server has the clip: it can no longer be cancelled. */
  delivered(clipId: string): void {
    const clip = this.clips.get(clipId);
    if (clip) clip.state = 'delivered';
  }

  /**
   * Voids the newest clip not already cancelled, if it is recent enough and not yet delivered.
   * Returns it, or undefined when there is nothing to cancel. A clip whose upload is under way may
   * still reach the server.
   */
  cancelLast(): { clipId: string } | undefined {
    const clipId = this.order.findLast((id) => this.clips.get(id)?.state !== 'cancelled');
    const clip = clipId === undefined ? undefined : this.clips.get(clipId);
    if (clipId === undefined || clip === undefined || clip.state === 'delivered') return undefined;
    if (this.options.clock.monotonicMs() - clip.pressedMonoMs > this.options.cancelWithinMs) return undefined;
    const was = clip.state;
    clip.state = 'cancelled';
    clip.pcm = [];
    if (was === 'recording') {
      clip.encoding.abort();
      this.enqueue(clipId, () => clip.journal.discard());
    } else if (was === 'stored') {
      this.enqueue(clipId, () => this.options.outbox.remove(clipId));
    }
    // A clip being stored checks its state when the store completes.
    this.options.logger.info({ clipId, was }, 'clip cancelled');
    return { clipId };
  }

  get recordingCount(): number {
    let n = 0;
    for (const clip of this.clips.values()) if (clip.state === 'recording') n++;
    return n;
  }

  /** Finalises what the journal holds from a previous run and puts it in the outbox. */
  recover(): Promise<void> {
    const done = this.storing.then(async () => {
      for (const { meta, pcm } of await this.options.journal.unfinished()) {
        const stored = this.interruptedMeta(meta, pcm.length);
        try {
          if (pcm.length === 0) {
            this.options.logger.warn({ clipId: meta.clipId }, 'unfinished clip holds no audio; dropped');
          } else {
            const encoding = this.options.encoder.begin(this.options.format);
            encoding.write(pcm);
            await this.put(stored, encoding, [pcm]);
            this.options.logger.warn(
              { clipId: meta.clipId, durationMs: stored.durationMs, interrupted: stored.interrupted },
              'unfinished clip recovered',
            );
          }
          await this.options.journal.remove(meta.clipId);
        } catch (error) {
          this.options.logger.error({ clipId: meta.clipId, err: error }, 'unfinished clip could not be recovered');
        }
      }
    });
    this.storing = done.catch(() => undefined);
    return done;
  }

  /** Resolves when every clip whose window has closed is in the outbox. */
  async idle(): Promise<void> {
    await this.storing;
  }

  /**
   * The daemon is stopping: clips still recording stay in the journal as they are, to be
   * finalised as interrupted at the next start; their encoders are stopped and files closed.
   */
  async close(): Promise<void> {
    for (const clip of this.clips.values()) {
      if (clip.state !== 'recording') continue;
      clip.state = 'cancelled';
      clip.encoding.abort();
      await clip.journal.close();
    }
    await this.idle();
  }

  private async store(clip: Clip): Promise<void> {
    await clip.journal.close();
    if (isCancelled(clip)) return clip.journal.discard();
    await this.put(clip.meta, clip.encoding, clip.pcm);
    clip.pcm = [];
    await clip.journal.discard();
    // Cancelled while it was being encoded or written.
    if (isCancelled(clip)) {
      await this.options.outbox.remove(clip.meta.clipId);
      return;
    }
    clip.state = 'stored';
  }

  /** Finishes the encoding (WAV from `pcm` if the encoder fails) and puts the clip in the outbox. */
  private async put(meta: ClipMeta, encoding: ClipEncoding, pcm: Buffer[]): Promise<void> {
    let stored = meta;
    let audio: Buffer;
    try {
      audio = await encoding.finish();
    } catch (error) {
      this.options.logger.error({ clipId: meta.clipId, err: error }, 'encoder failed; storing the clip as WAV');
      const wav = this.fallback.begin(this.options.format);
      for (const part of pcm) wav.write(part);
      audio = await wav.finish();
      stored = { ...meta, container: this.fallback.container, codec: this.fallback.codec };
    }
    await this.options.outbox.put(stored, audio);
    this.options.logger.info(
      { clipId: meta.clipId, bytes: audio.length, container: stored.container, gaps: stored.gaps.length },
      'clip stored',
    );
    this.options.onStored(meta.clipId);
  }

  private enqueue(clipId: string, step: () => Promise<void>): void {
    this.storing = this.storing
      .then(step)
      .catch((error: unknown) => this.options.logger.error({ clipId, err: error }, 'clip could not be stored'));
  }

  private forget(clipId: string): void {
    this.order.shift();
    const clip = this.clips.get(clipId);
    // Older clips still in progress stay tracked until they are stored.
    if (clip && clip.state !== 'recording' && clip.state !== 'storing') this.clips.delete(clipId);
  }

  private plannedMeta(start: ClipStart, gaps: ClipGap[]): ClipMeta {
    const { format, encoder } = this.options;
    const { window } = start;
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      clipId: start.clipId,
      button: start.button,
      pressedAt: iso(start.pressedAtMs),
      startAt: iso(start.startAtMs),
      endAt: iso(start.endAtMs),
      startFrame: window.startFrame,
      endFrame: window.endFrame,
      pressFrame: window.pressFrame,
      captureSession: this.options.captureSession,
      sampleRate: format.sampleRate,
      channels: format.channels,
      container: encoder.container,
      codec: encoder.codec,
      durationMs: ((window.endFrame - window.startFrame) * 1000) / format.sampleRate,
      truncated: window.truncated,
      gaps,
      clock: this.options.clockSync(),
    };
  }

  /** The metadata of a clip cut short at `bytes` of audio. */
  private interruptedMeta(meta: ClipMeta, bytes: number): ClipMeta {
    const frames = bytes / (meta.channels * 2);
    const planned = meta.endFrame - meta.startFrame;
    if (frames >= planned) return meta;
    const durationMs = (frames * 1000) / meta.sampleRate;
    return {
      ...meta,
      endFrame: meta.startFrame + frames,
      endAt: new Date(Date.parse(meta.startAt) + durationMs).toISOString(),
      durationMs,
      interrupted: true,
      gaps: meta.gaps
        .filter((g) => g.startMs < durationMs)
        .map((g) => ({ startMs: g.startMs, durationMs: Math.min(g.durationMs, durationMs - g.startMs) })),
    };
  }
}

/** A function, not an inline test: the state changes across awaits, which narrowing cannot see. */
function isCancelled(clip: Clip): boolean {
  return clip.state === 'cancelled';
}
