// Enrolment through the real routes (app.inject) on SQLite and PostgreSQL: p50 of making a claim
// token and of trading it for credentials (one conditional UPDATE, a PBKDF2 hash of the new
// password, the button maps, the audit row). The whole path to a device online, with processes,
// is measured by test/e2e/enrolment.test.ts ("enrolment: claim token to device online").
import { Topics } from '@earshot/shared/protocol';
import { report } from '@earshot/test-kit/bench';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { DeviceLink } from '../src/devices/device-link.js';
import { DiskBlobStore } from '../src/storage/disk-blob-store.js';
import { appHarness } from '../test/support/app-harness.js';
import { DATABASE_KINDS, testDatabase } from '../test/support/databases.js';
import { ingestHarness } from '../test/support/ingest-harness.js';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 50);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

for (const kind of DATABASE_KINDS) {
  const test = await testDatabase({ skip: () => undefined } as never, kind);
  if (!test) continue;
  const dir = await tempDir();
  const blobs = new DiskBlobStore(dir.path);
  const { ingest, buttonMap, queue } = ingestHarness(test.db, blobs);
  const link = new DeviceLink(new Topics('earshot'), () => Promise.resolve());
  const app = await appHarness({ db: test.db, blobs, queue, buttonMap, ingest, enrolment: { link } });
  const create: number[] = [];
  const trade: number[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const id = `bench-${i}`;
    await app.inject({ method: 'PUT', url: `/api/v1/devices/${id}`, payload: { storeId: null } });
    let started = performance.now();
    const made = await app.inject({ method: 'POST', url: `/api/v1/devices/${id}/claim-tokens`, payload: {} });
    create.push(performance.now() - started);
    started = performance.now();
    const enrolled = await app.inject({
      method: 'POST',
      url: '/api/v1/enrol',
      headers: { authorization: '' },
      payload: {
        token: made.json<{ token: string }>().token,
        requestId: `bench-request-${String(i).padStart(8, '0')}`,
      },
    });
    trade.push(performance.now() - started);
    if (enrolled.statusCode !== 200) throw new Error(`enrolment failed: ${enrolled.body}`);
  }
  report(`enrolment ${kind}: claim token created p50`, median(create), 'ms');
  report(`enrolment ${kind}: token traded for credentials p50`, median(trade), 'ms');
  await app.close();
  await test.close();
  await dir.remove();
}
