import type { Database } from '../../src/db/database.js';
import { buildApp } from '../../src/http/app.js';
import { ServerMetrics } from '../../src/http/plugins/metrics.js';
import { TRANSCRIBE_QUEUE } from '../../src/ingest/clip-ingest.js';
import type { ButtonMap } from '../../src/questions/button-map.js';
import type { JobQueue } from '../../src/queue/job-queue.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { quietLogger } from './ingest-harness.js';

/** The HTTP API over the given parts, for app.inject(). */
export function appHarness(parts: { db: Database; blobs: BlobStore; queue: JobQueue; buttonMap: ButtonMap }) {
  return buildApp({
    ...parts,
    metrics: new ServerMetrics(parts.queue, TRANSCRIBE_QUEUE),
    logger: quietLogger,
    brokerConnected: () => true,
    onJobQueued: () => undefined,
  });
}
