import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Fins being processed off the message path. A fin carries no data, so it is acknowledged to
 * the broker at once; if the process dies before the answer, the device hears nothing and
 * repeats the fin (Uplink's ackTimeoutMs, finRounds). One fin per clip at a time: a repeat
 * that arrives while its clip is being processed is dropped, the running one answers it. At
 * most `limit` at a time: the next fin waits on the message path, which holds back the broker.
 */
export class BackgroundFins {
  private readonly running = new Map<string, Promise<void>>();
  private readonly limit: LimitFunction;
  private closed = false;

  constructor(limit: number) {
    this.limit = pLimit(limit);
  }

  get size(): number {
    return this.running.size;
  }

  /**
   * Starts `work` for `key` unless a fin for it is running already (false: dropped as a repeat).
   * Resolves once `work` has started, so the caller waits while `limit` fins run. Throws once
   * closed: the fin is then not acknowledged, and the broker or the device repeats it.
   */
  async start(key: string, work: () => Promise<void>): Promise<boolean> {
    if (this.running.has(key)) return false;
    await new Promise<void>((started, refused) => {
      const done = this.limit(async () => {
        if (this.closed) return refused(new Error('stopping: fin left for redelivery'));
        started();
        await work();
      }).finally(() => this.running.delete(key));
      this.running.set(key, done);
    });
    return true;
  }

  /** Refuses new fins and waits for the running ones. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running.size > 0) await Promise.allSettled(this.running.values());
  }
}
