import type { Database } from '../../src/db/database.js';
import { buildApp } from '../../src/http/app.js';
import { ServerMetrics } from '../../src/http/plugins/metrics.js';
import { TRANSCRIBE_QUEUE } from '../../src/ingest/clip-ingest.js';
import type { ButtonMap } from '../../src/questions/button-map.js';
import type { JobQueue } from '../../src/queue/job-queue.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import type { ClipIngest } from '../../src/ingest/clip-ingest.js';
import { ImportRuns } from '../../src/import/import-runs.js';
import { RecordingImporter } from '../../src/import/recording-importer.js';
import { quietLogger } from './ingest-harness.js';

/** The HTTP API over the given parts, for app.inject(). */
export function appHarness(parts: {
  db: Database;
  blobs: BlobStore;
  queue: JobQueue;
  buttonMap: ButtonMap;
  ingest: ClipIngest;
}) {
  const importer = new RecordingImporter({
    db: parts.db,
    ingest: parts.ingest,
    preMs: 15_000,
    postMs: 15_000,
    logger: quietLogger,
  });
  const runs = new ImportRuns(importer, quietLogger);
  return buildApp({
    ...parts,
    imports: { runs, maxUploadBytes: 64 * 1024 * 1024 },
    metrics: new ServerMetrics(parts.queue, TRANSCRIBE_QUEUE),
    logger: quietLogger,
    brokerConnected: () => true,
    onJobQueued: () => undefined,
  });
}
