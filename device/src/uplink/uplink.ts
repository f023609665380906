import type { Logger } from '@earshot/shared/log';
import { type ClipAck, decoders, type Topics } from '@earshot/shared/protocol';
import { connect, type MqttClient } from 'mqtt';
import type { Outbox, OutboxEntry } from '../outbox/outbox.js';

export interface UplinkOptions {
  url: string;
  deviceId: string;
  topics: Topics;
  username?: string | undefined;
  password?: string | undefined;
  chunkBytes: number;
  /** Chunk publishes awaiting PUBACK at once. */
  inflight: number;
  /** How long to wait for the server's answer to a fin before asking again. */
  ackTimeoutMs: number;
  /** Fin rounds per attempt before the clip waits for the next drain. */
  finRounds: number;
  version: string;
  outbox: Outbox;
  logger: Logger;
  onDelivered?: (clipId: string) => void;
}

class Disconnected extends Error {
  constructor() {
    super('disconnected from the broker');
  }
}

/**
 * Sends the outbox to the server over MQTT and deletes a clip only on the server's "complete".
 * A clip goes as init, chunks addressed by byte offset, then fin; the answer to fin is complete,
 * incomplete (with the byte ranges to resend) or rejected. After any disconnection the drain
 * starts over from the outbox, so nothing depends on MQTT.js's in-memory queue.
 */
export class Uplink {
  private client: MqttClient | undefined;
  private readonly waiters = new Map<string, (ack: ClipAck) => void>();
  private draining = false;
  private again = false;
  /** Rejects the waits of the current connection when it drops. */
  private connection = new AbortController();

  constructor(private readonly options: UplinkOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    const { topics, deviceId, logger } = this.options;
    const statusTopic = topics.status(deviceId);
    const client = connect(this.options.url, {
      clientId: `earshot-device-${deviceId}`,
      username: this.options.username,
      password: this.options.password,
      clean: true,
      reconnectPeriod: 1000,
      will: { topic: statusTopic, payload: Buffer.from(JSON.stringify({ state: 'offline' })), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => {
      this.connection = new AbortController();
      logger.info({ url: this.options.url }, 'connected to broker');
      const online = JSON.stringify({ state: 'online', at: new Date().toISOString(), version: this.options.version });
      Promise.all([
        client.publishAsync(statusTopic, online, { qos: 1, retain: true }),
        client.subscribeAsync(topics.ack(deviceId), { qos: 1 }),
      ])
        .then(() => this.kick())
        .catch((error: unknown) => logger.warn({ err: error }, 'could not announce on connect'));
    });
    client.on('close', () => {
      this.connection.abort(new Disconnected());
    });
    client.on('error', (error) => logger.warn({ err: error }, 'broker connection error'));
    client.on('message', (topic, payload) => this.handleAck(topic, payload));
  }

  /** New clips are in the outbox: send them when connected. */
  kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    void this.drain().finally(() => {
      this.draining = false;
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.connection.abort(new Disconnected());
    if (client.connected) {
      await client
        .publishAsync(this.options.topics.status(this.options.deviceId), JSON.stringify({ state: 'offline' }), {
          qos: 1,
          retain: true,
        })
        .catch(() => undefined);
    }
    await client.endAsync();
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (const entry of await this.options.outbox.list()) {
        if (!this.connected) return;
        try {
          await this.deliver(entry);
        } catch (error) {
          if (error instanceof Disconnected) return;
          this.options.logger.warn({ clipId: entry.meta.clipId, err: error }, 'clip not delivered yet; will retry');
        }
      }
    } while (this.again);
  }

  private async deliver(entry: OutboxEntry): Promise<void> {
    const { topics, deviceId, logger } = this.options;
    const clipId = entry.meta.clipId;
    const audio = await this.options.outbox.readAudio(entry);
    const init = JSON.stringify({
      ...entry.meta,
      size: entry.size,
      sha256: entry.sha256,
      chunkSize: this.options.chunkBytes,
    });
    const fin = JSON.stringify({ size: entry.size, sha256: entry.sha256 });
    let ranges: [number, number][] = [[0, entry.size]];
    for (let round = 0; round < this.options.finRounds; round++) {
      // Listening from the start: the server may refuse the init itself.
      const answer = this.waitForAck(clipId);
      // init is idempotent and cheap; resending it covers a server that lost the transfer.
      await this.publish(topics.clipInit(deviceId, clipId), init);
      await this.sendRanges(entry, audio, ranges);
      await this.publish(topics.clipFin(deviceId, clipId), fin);
      answer.arm();
      const ack = await answer.promise;
      if (ack === undefined) {
        ranges = [];
        continue;
      }
      if (ack.status === 'complete') {
        await this.options.outbox.remove(clipId);
        logger.info({ clipId, storageKey: ack.storageKey }, 'clip delivered');
        this.options.onDelivered?.(clipId);
        return;
      }
      if (ack.status === 'rejected') {
        logger.error({ clipId, reason: ack.reason }, 'server rejected clip; kept in outbox/rejected');
        await this.options.outbox.reject(clipId, ack.reason);
        return;
      }
      logger.info({ clipId, missing: ack.missing.length }, 'server is missing parts of the clip; resending them');
      ranges = ack.missing;
    }
    throw new Error(`no final answer from the server after ${this.options.finRounds} rounds`);
  }

  /** Publishes chunks covering `ranges`, at most `inflight` unacknowledged at a time. */
  private async sendRanges(entry: OutboxEntry, audio: Buffer, ranges: [number, number][]): Promise<void> {
    const { topics, deviceId, chunkBytes, inflight } = this.options;
    const offsets: number[] = [];
    for (const [start, end] of ranges) {
      for (let at = start - (start % chunkBytes); at < Math.min(end, entry.size); at += chunkBytes) offsets.push(at);
    }
    let next = 0;
    const worker = async () => {
      while (next < offsets.length) {
        const offset = offsets[next++] as number;
        const chunk = audio.subarray(offset, Math.min(offset + chunkBytes, entry.size));
        await this.publish(topics.clipChunk(deviceId, entry.meta.clipId, offset), chunk);
      }
    };
    await Promise.all(Array.from({ length: Math.min(inflight, offsets.length) }, worker));
  }

  private async publish(topic: string, payload: string | Buffer): Promise<void> {
    const client = this.client;
    const signal = this.connection.signal;
    if (!client?.connected || signal.aborted) throw new Disconnected();
    await raceAbort(client.publishAsync(topic, payload, { qos: 1 }), signal);
  }

  /**
   * The next answer about `clipId`: `promise` resolves with it, or with undefined once `arm()`
   * has been called and the ack timeout has passed without one.
   */
  private waitForAck(clipId: string): { promise: Promise<ClipAck | undefined>; arm(): void } {
    const signal = this.connection.signal;
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

  private handleAck(topic: string, payload: Buffer): void {
    let ack: ClipAck;
    try {
      ack = decoders.clipAck.decode(payload);
    } catch (error) {
      this.options.logger.warn({ topic, err: error }, 'ignored malformed answer from the server');
      return;
    }
    this.waiters.get(ack.clipId)?.(ack);
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Disconnected());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Disconnected());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
