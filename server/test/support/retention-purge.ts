import type { Database } from '../../src/db/database.js';
import { ClipDestroyer } from '../../src/retention/clip-destroyer.js';
import { RetentionPolicy } from '../../src/retention/retention-policy.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { quietLogger } from './ingest-harness.js';

/**
 * A retention purge at `now` with clips kept one day, as the server's policy runs it: the clips
 * pressed before the day before `now` are destroyed. The number destroyed.
 */
export async function purgeAsOf(db: Database, blobs: BlobStore, now: Date): Promise<number> {
  const destroyer = new ClipDestroyer(db, blobs, quietLogger);
  const policy = new RetentionPolicy({ db, destroyer, defaultDays: 1, logger: quietLogger, now: () => now });
  return (await policy.purge())?.clipCount ?? 0;
}
