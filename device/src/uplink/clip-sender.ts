import type { Logger } from '@earshot/shared/log';
import { type ClipAck, decoders, type Topics } from '@earshot/shared/protocol';
import type { Outbox, OutboxEntry } from '../outbox/outbox.js';
import { Disconnected, type Publisher } from './publisher.js';

export interface ClipSenderOptions {
  deviceId: string;
  topics: Topics;
  link: Publisher;
  outbox: Pick<Outbox, 'list' | 'readAudio' | 'remove' | 'reject'>;
  chunkBytes: number;
  /** Chunk publishes awaiting PUBACK at once. */
  inflight: number;
  /** How long to wait for the server's answer to a fin before asking again. */
  ackTimeoutMs: number;
  /** Unanswered fins per attempt before the clip waits for the next drain. */
  finRounds: number;
  logger: Logger;
  /** The server stored the clip and the outbox no longer holds it. */
  onDelivered: (clipId: string) => void;
}

/** Rounds of a clip per drain; the server answering "incomplete" again and again ends here. */
const MAX_ROUNDS = 20;

/**
 * The clip transfer protocol, device side: sends the outbox and deletes a clip only on the
 * server's "complete". A clip goes as init, chunks addressed by byte offset, then fin; the answer
 * to fin is complete, incomplete (with the byte ranges to resend) or rejected. A clip that was
 * already under way (from before a disconnection or a restart) starts with a fin alone, which asks
 * the server what it lacks, so only missing ranges travel again. After any disconnection the drain
 * starts over from the outbox, so nothing depends on MQTT.js's in-memory queue.
 */
export class ClipSender {
  private readonly waiters = new Map<string, (ack: ClipAck) => void>();
  private draining = false;
  private again = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Clips put in the outbox by this process and not yet attempted: these go whole at once. */
  private readonly fresh = new Set<string>();
  /** The server answered "busy": no clip is offered before this time (ms since the epoch). */
  private busyUntil = 0;

  constructor(private readonly options: ClipSenderOptions) {}

  start(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  /** New clips are in the outbox (or the connection is back): send them when connected. */
  kick(newClipId?: string): void {
    if (newClipId !== undefined) this.fresh.add(newClipId);
    // Backing off: the retry timer kicks when the server said to come back.
    if (Date.now() < this.busyUntil) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    void this.drain().finally(() => {
      this.draining = false;
      // A kick that arrived while a drain was unwinding from a disconnection (the reconnection's
      // own kick, typically) must not be lost.
      if (this.again && this.options.link.connected) this.kick();
    });
  }

  /** A message on the device's `ack` topic. */
  answered(topic: string, payload: Buffer): void {
    let ack: ClipAck;
    try {
      ack = decoders.clipAck.decode(payload);
    } catch (error) {
      this.options.logger.warn({ topic, err: error }, 'ignored malformed answer from the server');
      return;
    }
    this.waiters.get(ack.clipId)?.(ack);
  }

  private async drain(): Promise<void> {
    let unanswered = false;
    do {
      this.again = false;
      for (const entry of await this.options.outbox.list()) {
        if (!this.options.link.connected) return;
        try {
          await this.deliver(entry);
        } catch (error) {
          if (error instanceof Disconnected) return;
          if (error instanceof ServerBusy) {
            // Every further clip would be refused alike: wait as told, keeping them all.
            this.again = false;
            this.busyUntil = Date.now() + error.retryAfterMs;
            this.retryLater(error.retryAfterMs);
            return;
          }
          unanswered = true;
          this.options.logger.warn({ clipId: entry.meta.clipId, err: error }, 'clip not delivered yet; will retry');
        }
      }
    } while (this.again);
    // Connected but unanswered (no server subscribed yet, or one busy restarting): try again
    // later rather than wait for the next press or reconnection.
    if (unanswered) this.retryLater(this.options.ackTimeoutMs);
  }

  private retryLater(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.kick(), delayMs);
  }

  private async deliver(entry: OutboxEntry): Promise<void> {
    const { topics, deviceId, logger, link } = this.options;
    const clipId = entry.meta.clipId;
    const audio = await this.options.outbox.readAudio(entry);
    const init = JSON.stringify({
      ...entry.meta,
      size: entry.size,
      sha256: entry.sha256,
      chunkSize: this.options.chunkBytes,
    });
    const fin = JSON.stringify({ size: entry.size, sha256: entry.sha256 });
    // A clip seen before (an earlier connection or process) may be partly or wholly on the
    // server already: ask first, with a fin alone.
    let ranges: [number, number][] = this.fresh.delete(clipId) ? [[0, entry.size]] : [];
    let silentRounds = 0;
    for (let round = 0; round < MAX_ROUNDS && silentRounds < this.options.finRounds; round++) {
      // Listening from the start: the server may refuse the init itself.
      const answer = this.waitForAck(clipId);
      if (ranges.length > 0) {
        // init is idempotent and cheap; resending it covers a server that lost the transfer.
        await link.publish(topics.clipInit(deviceId, clipId), init);
        await this.sendRanges(entry, audio, ranges);
      }
      await link.publish(topics.clipFin(deviceId, clipId), fin);
      answer.arm();
      const ack = await answer.promise;
      if (ack === undefined) {
        silentRounds++;
        ranges = [];
        continue;
      }
      if (ack.status === 'complete') {
        await this.options.outbox.remove(clipId);
        logger.info({ clipId, storageKey: ack.storageKey }, 'clip delivered');
        this.options.onDelivered(clipId);
        return;
      }
      if (ack.status === 'busy') {
        logger.warn(
          { clipId, reason: ack.reason, retryAfterSeconds: ack.retryAfterSeconds },
          'server busy; backing off',
        );
        throw new ServerBusy(ack.retryAfterSeconds * 1000);
      }
      if (ack.status === 'rejected') {
        logger.error({ clipId, reason: ack.reason }, 'server rejected clip; kept in outbox/rejected');
        await this.options.outbox.reject(clipId, ack.reason);
        return;
      }
      logger.info({ clipId, missing: ack.missing.length }, 'server is missing parts of the clip; sending them');
      ranges = ack.missing;
    }
    throw new Error(`no final answer from the server (${silentRounds} fins unanswered)`);
  }

  /** Publishes chunks covering `ranges`, at most `inflight` unacknowledged at a time. */
  private async sendRanges(entry: OutboxEntry, audio: Buffer, ranges: [number, number][]): Promise<void> {
    const { topics, deviceId, chunkBytes, inflight, link } = this.options;
    const offsets: number[] = [];
    for (const [start, end] of ranges) {
      for (let at = start - (start % chunkBytes); at < Math.min(end, entry.size); at += chunkBytes) offsets.push(at);
    }
    let next = 0;
    const worker = async () => {
      while (next < offsets.length) {
        const offset = offsets[next++] as number;
        const chunk = audio.subarray(offset, Math.min(offset + chunkBytes, entry.size));
        await link.publish(topics.clipChunk(deviceId, entry.meta.clipId, offset), chunk);
      }
    };
    await Promise.all(Array.from({ length: Math.min(inflight, offsets.length) }, worker));
  }

  /**
   * The next answer about `clipId`: `promise` resolves with it, or with undefined once `arm()`
   * has been called and the ack timeout has passed without one. The connection dropping rejects
   * it with Disconnected.
   */
  private waitForAck(clipId: string): { promise: Promise<ClipAck | undefined>; arm(): void } {
    const signal = this.options.link.signal;
    let timer: NodeJS.Timeout | undefined;
    let settle: (ack: ClipAck | undefined) => void = () => undefined;
    const promise = new Promise<ClipAck | undefined>((resolve, reject) => {
      const cleanUp = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (this.waiters.get(clipId) === settle) this.waiters.delete(clipId);
      };
      const onAbort = () => {
        cleanUp();
        reject(new Disconnected());
      };
      settle = (ack) => {
        cleanUp();
        resolve(ack);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(clipId, settle);
    });
    // A send that fails before arm() leaves this promise behind; nobody awaits it then.
    promise.catch(() => undefined);
    return {
      promise,
      arm: () => {
        timer = setTimeout(() => settle(undefined), this.options.ackTimeoutMs);
      },
    };
  }
}

/** The server holds as much unfinished staging of this device as it allows: come back later. */
class ServerBusy extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`server busy; retry in ${retryAfterMs} ms`);
  }
}
