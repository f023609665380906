// The manager's API at scale: with BENCH_CLIPS clips (default 1,000,000) in BENCH_STORES stores
// (default 500, two devices each), on SQLite and PostgreSQL (BENCH_DATABASES=postgres for one;
// PostgreSQL is loaded with COPY, so BENCH_CLIPS=10000000 is practical there), a mixed workload through the real
// HTTP routes (app.inject): list pages by every filter and deep cursor pages, the fleet list,
// transcript searches and the dashboard's aggregates (api-workload.ts). After a warm-up round of
// every shape, each is timed BENCH_ROUNDS times (default 100) with varying parameters, or until
// it has used BENCH_SHAPE_SECONDS (default 30) of query time. The first query of the run, on a cold
// database, is reported on its own. BENCH_SHAPES (comma-separated name prefixes, e.g. `stats,nps`)
// times only those shapes. Figures are p50/p99 in ms with their ratio to a clip read by
// id (a primary-key lookup through the same API), and whether the p99 meets issue #15's target.
import { join } from 'node:path';
import { report } from '@earshot/test-kit/bench';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { sql } from 'kysely';
import { DiskBlobStore } from '../src/storage/disk-blob-store.js';
import { appHarness } from '../test/support/app-harness.js';
import { seedChain, seedClips } from '../test/support/clip-corpus.js';
import { copyClips } from '../test/support/clip-corpus-copy.js';
import { DATABASE_KINDS, type DatabaseKind, testDatabase } from '../test/support/databases.js';
import { ingestHarness } from '../test/support/ingest-harness.js';
import { percentile, TARGET_P99_MS, workload } from './api-workload.js';

const CLIPS = Number(process.env.BENCH_CLIPS ?? 1_000_000);
const STORES = Number(process.env.BENCH_STORES ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);
const WARM_UP_ROUNDS = 1;
const SHAPE_BUDGET_MS = Number(process.env.BENCH_SHAPE_SECONDS ?? 30) * 1000;
const BATCH = 5000;

const dir = await tempDir();
for (const kind of (process.env.BENCH_DATABASES?.split(',') ?? DATABASE_KINDS) as DatabaseKind[]) {
  const test = await testDatabase({ skip: () => undefined } as never, kind);
  if (!test) continue;
  const { db } = test;
  const blobs = new DiskBlobStore(join(dir.path, kind));
  const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
  const app = await appHarness({ db, blobs, queue, buttonMap, ingest });
  const get = async (url: string) => {
    const t0 = performance.now();
    const response = await app.inject({ url });
    const ms = performance.now() - t0;
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return ms;
  };
  try {
    const started = performance.now();
    await seedChain(db, STORES);
    // PostgreSQL loads with COPY (10,000,000 clips in minutes, not hours); SQLite in batched INSERTs.
    if (kind === 'postgres') await copyClips(test.url, STORES, 0, CLIPS);
    else
      for (let from = 0; from < CLIPS; from += BATCH) await seedClips(db, STORES, from, Math.min(CLIPS, from + BATCH));
    report(`api.${kind}.load-${CLIPS}-clips`, CLIPS / ((performance.now() - started) / 1000), 'clips/s');
    // What autovacuum (PostgreSQL) or a periodic ANALYZE would have done after such a load. VACUUM
    // marks the pages all-visible, without which no index-only scan is one: every index entry
    // would be checked against its row, and the timings would hang on whether autovacuum has run.
    await sql.raw(kind === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE').execute(db);

    const only = process.env.BENCH_SHAPES?.split(',');
    const shapes = workload(CLIPS, STORES).filter((s) => !only || only.some((p) => s.name.startsWith(p)));
    report(`api.${kind}.cold-first-query`, await get(shapes[0]?.url(0) ?? '/api/v1/clips'), 'ms');
    for (let round = 0; round < WARM_UP_ROUNDS; round++) {
      for (const shape of shapes) await get(shape.url(1000 + round));
    }
    const byId: number[] = [];
    for (let i = 0; i < ROUNDS; i++)
      byId.push(await get(`/api/v1/clips/c${((i * 7919) % CLIPS).toString(36).padStart(8, '0')}`));
    const baseline = { name: 'clip-by-id-p50', value: percentile(byId, 50) };
    report(`api.${kind}.clip-by-id-p50`, baseline.value, 'ms');
    let total = byId.length;
    // Each shape's figures as soon as it is measured, so that a long run reports as it goes.
    for (const shape of shapes) {
      const ms: number[] = [];
      let spent = 0;
      for (let round = 0; round < ROUNDS && spent <= SHAPE_BUDGET_MS; round++) {
        ms.push(await get(shape.url(round)));
        spent += ms.at(-1) ?? 0;
      }
      total += ms.length;
      const p99 = percentile(ms, 99);
      report(`api.${kind}.${shape.name}.queries`, ms.length, 'queries');
      report(`api.${kind}.${shape.name}.p50`, percentile(ms, 50), 'ms', baseline);
      report(`api.${kind}.${shape.name}.p99`, p99, 'ms', baseline);
      report(`api.${kind}.${shape.name}.p99-within-target`, p99 <= TARGET_P99_MS[shape.kind] ? 1 : 0, 'bool');
    }
    report(`api.${kind}.timed-queries`, total, 'queries');
  } finally {
    await app.close();
    await test.close();
  }
}
await dir.remove();
