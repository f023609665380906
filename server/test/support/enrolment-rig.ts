import type { TestContext } from 'node:test';
import { Topics } from '@earshot/shared/protocol';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { DeviceLink } from '../../src/devices/device-link.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { appHarness } from './app-harness.js';
import { type DatabaseKind, testDatabase } from './databases.js';
import { ingestHarness } from './ingest-harness.js';

interface Published {
  topic: string;
  payload: string;
  retain: boolean;
}

/** The API over a fresh database, with a device link that records what it would publish. */
export async function enrolmentRig(
  t: TestContext,
  kind: DatabaseKind,
  attemptsPerMinute = 1000,
  broker?: Parameters<typeof appHarness>[0]['enrolment'],
) {
  const test = await testDatabase(t, kind);
  if (!test) return undefined;
  const dir = await tempDir();
  const published: Published[] = [];
  const link = new DeviceLink(new Topics('earshot'), (topic, payload, { retain }) => {
    published.push({ topic, payload, retain });
    return Promise.resolve();
  });
  const appOver = async (db: typeof test.db) => {
    const blobs = new DiskBlobStore(dir.path);
    const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
    return appHarness({ db, blobs, queue, buttonMap, ingest, enrolment: { link, attemptsPerMinute, ...broker } });
  };
  const app = await appOver(test.db);
  return {
    ...test,
    app,
    published,
    appOver,
    async close() {
      await app.close();
      await test.close();
      await dir.remove();
    },
  };
}

/** A request id as a device makes one: 16-64 characters. */
export const requestId = (n: number) => `request-${String(n).padStart(12, '0')}`;
