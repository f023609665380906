import { sql } from 'kysely';
import type { Database } from '../db/database.js';

interface Pending {
  write: (trx: Database) => Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Commits stored clips in groups: the writes of the clips that are ready while a commit is
 * under way go into the next transaction together, so several clips share one fully
 * synchronous commit (one flush to disk) instead of paying one each. Each clip's writes run in
 * a savepoint of their own: a clip whose writes fail (stored a moment ago by another instance)
 * is rolled back alone and its caller gets the error; the others commit. A caller hears
 * success only after the transaction holding its clip has committed.
 */
export class ClipCommits {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly db: Database) {}

  commit(write: (trx: Database) => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      this.running ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    // Let the fins that became ready in the same turn join the first group.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      const failed = new Map<Pending, unknown>();
      try {
        await this.db.transaction().execute(async (trx) => {
          for (const pending of group) {
            await sql`savepoint clip`.execute(trx);
            try {
              await pending.write(trx);
              await sql`release savepoint clip`.execute(trx);
            } catch (error) {
              await sql`rollback to savepoint clip`.execute(trx);
              await sql`release savepoint clip`.execute(trx);
              failed.set(pending, error);
            }
          }
        });
      } catch (error) {
        for (const pending of group) pending.reject(error);
        continue;
      }
      for (const pending of group) {
        if (failed.has(pending)) pending.reject(failed.get(pending));
        else pending.resolve();
      }
    }
    this.running = undefined;
  }
}
