import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { DatabaseSchema } from '../db/schema.js';

/** One report's statements, run inside the batch's transaction. */
export type ReportWrite = (trx: Transaction<DatabaseSchema>) => Promise<void>;

interface Pending {
  deviceId: string;
  write: ReportWrite;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for what devices report: writes queued within `delayMs` of the first are
 * committed together in one transaction, in the order they came. With SQLite's synchronous=FULL
 * every commit is an fsync that holds the event loop (about 7 ms here), so a thousand devices
 * heartbeating, or reconnecting at once, would otherwise spend the server on fsyncs. Batches run
 * one after another; a failed batch fails each of its writes (their promises reject).
 */
export class ReportBatch {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly delayMs: number,
    /** Called after each commit with the devices it wrote, each once. */
    private readonly committed: (deviceIds: Set<string>) => void,
  ) {}

  /** Queues a write; resolves once it is committed. */
  add(deviceId: string, write: ReportWrite): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ deviceId, write, resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
    });
  }

  /** Commits what is queued now (shutdown, tests); resolves when it and earlier batches are done. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.running = this.running.then(() => this.commit(batch));
    return this.running;
  }

  private async commit(batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const { write } of batch) await write(trx);
      });
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    for (const { resolve } of batch) resolve();
    this.committed(new Set(batch.map((p) => p.deviceId)));
  }
}
