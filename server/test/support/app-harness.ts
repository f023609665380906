import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { ApiTokens } from '../../src/access/api-tokens.js';
import { Users } from '../../src/access/users.js';
import { ClipDestroyer } from '../../src/retention/clip-destroyer.js';
import { RetentionPolicy } from '../../src/retention/retention-policy.js';
import type { Database } from '../../src/db/database.js';
import { type AppOptions, buildApp } from '../../src/http/app.js';
import { ServerMetrics } from '../../src/http/plugins/metrics.js';
import { TRANSCRIBE_QUEUE } from '../../src/ingest/clip-ingest.js';
import type { ButtonMap } from '../../src/questions/button-map.js';
import type { JobQueue } from '../../src/queue/job-queue.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import type { ClipIngest } from '../../src/ingest/clip-ingest.js';
import { ImportRuns } from '../../src/import/import-runs.js';
import { RecordingImporter } from '../../src/import/recording-importer.js';
import { ingestHarness, quietLogger } from './ingest-harness.js';
import { type DatabaseKind, testDatabase } from './databases.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { tempDir } from '@earshot/test-kit/temp-dir';
import type { TestContext } from 'node:test';
import { Topics } from '@earshot/shared/protocol';
import { DeviceLink } from '../../src/devices/device-link.js';

/**
 * The HTTP API over the given parts, for app.inject(). Requests act as an admin (a bearer token
 * made here) unless they send their own Authorization header; the access rules themselves are
 * tested in access/.
 */
export async function appHarness(parts: {
  db: Database;
  blobs: BlobStore;
  queue: JobQueue;
  buttonMap: ButtonMap;
  ingest: ClipIngest;
  access?: Partial<AppOptions['access']>;
  http?: Partial<AppOptions['http']>;
  enrolment?: Partial<AppOptions['enrolment']>;
  /** Config pushes and test presses; without it no labels are pushed when a map changes. */
  fleet?: AppOptions['fleet'];
}) {
  const importer = new RecordingImporter({
    db: parts.db,
    ingest: parts.ingest,
    preMs: 15_000,
    postMs: 15_000,
    logger: quietLogger,
  });
  const runs = new ImportRuns(importer, quietLogger);
  const destroyer = new ClipDestroyer(parts.db, parts.blobs, quietLogger);
  const app = await buildApp({
    ...parts,
    destroyer,
    retention: new RetentionPolicy({ db: parts.db, destroyer, defaultDays: 90, logger: quietLogger }),
    access: {
      sessionHours: 1,
      secureCookies: false,
      loginAttemptsPerMinute: 1000,
      lockoutFailures: 5,
      lockoutSeconds: 30,
      lockoutMaxSeconds: 900,
      ...parts.access,
    },
    http: { trustProxy: false, metricsToken: undefined, ...parts.http },
    imports: { runs, maxUploadBytes: 64 * 1024 * 1024 },
    metrics: new ServerMetrics(parts.queue, TRANSCRIBE_QUEUE),
    logger: quietLogger,
    brokerConnected: () => true,
    onJobQueued: () => undefined,
    enrolment: {
      // No broker here: requests to devices fail at once (see test/devices/ for the real one).
      link: new DeviceLink(new Topics('earshot'), () => Promise.reject(new Error('no broker in this harness'))),
      broker: { url: 'mqtt://broker.test:1883', embedded: undefined, root: 'earshot', caPem: undefined },
      disconnect: undefined,
      tokenHours: 24,
      attemptsPerMinute: 1000,
      rotationTimeoutMs: 1000,
      retireOnAnswer: false,
      ...parts.enrolment,
    },
  });
  const { user } = await new Users(parts.db).upsert({ username: 'harness-admin', role: 'admin' });
  const { token } = await new ApiTokens(parts.db).create(user.id, 'harness', 1);
  const inject = app.inject.bind(app) as (options: InjectOptions) => Promise<LightMyRequestResponse>;
  return Object.assign(app, {
    /** For requests that do not go through inject (fetch against app.listen). */
    adminHeaders: { authorization: `Bearer ${token}` },
    inject: (options: InjectOptions) =>
      inject({ ...options, headers: { authorization: `Bearer ${token}`, ...options.headers } }),
  });
}

/**
 * The API over a fresh database of `kind` and a temporary blob directory, for a test that then
 * calls `close()`; undefined when the database is unavailable (the test is skipped outside CI).
 */
export async function apiTest(t: TestContext, kind: DatabaseKind) {
  const test = await testDatabase(t, kind);
  if (!test) return undefined;
  const dir = await tempDir();
  const { db } = test;
  const blobs = new DiskBlobStore(dir.path);
  const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
  const app = await appHarness({ db, blobs, queue, buttonMap, ingest });
  return {
    db,
    blobs,
    ingest,
    app,
    async close() {
      await app.close();
      await test.close();
      await dir.remove();
    },
  };
}
