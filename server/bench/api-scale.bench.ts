// The manager's API at scale: with BENCH_CLIPS clips (default 1,000,000), each with a transcript,
// in SQLite and in PostgreSQL, the p50/p99 of a filtered list page and of a transcript search
// through the real HTTP routes (app.inject); and audio streaming through the API against reading
// the same file from disk.
import { randomUUID } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { report } from '@earshot/test-kit/bench';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { type Insertable, sql } from 'kysely';
import type { ClipsTable, TranscriptsTable } from '../src/db/schema.js';
import { DiskBlobStore } from '../src/storage/disk-blob-store.js';
import { appHarness } from '../test/support/app-harness.js';
import { DATABASE_KINDS, type DatabaseKind, testDatabase } from '../test/support/databases.js';
import { ingestHarness } from '../test/support/ingest-harness.js';

const CLIPS = Number(process.env.BENCH_CLIPS ?? 1_000_000);
const STORES = 50;
// SQLite binds at most 32,766 parameters a statement: 1,000 rows of 22 columns.
const BATCH = 1000;
const QUERIES = 100;
/** Words searched for; each transcript holds a few of them among common filler. */
const WORDS = [
  'queue',
  'checkout',
  'friendly',
  'milk',
  'price',
  'parking',
  'fresh',
  'slow',
  'cashier',
  'bread',
  'очередь',
  'касса',
  'хлеб',
  'цена',
  'вежливо',
];
/** A vocabulary of a few thousand made-up words, so that a search is as selective as in real speech. */
const FILLER = Array.from({ length: 4000 }, (_, i) => `w${i.toString(36)}x`);

function sentence(i: number): string {
  const words: string[] = [];
  for (let k = 0; k < 20; k++) words.push(FILLER[(i * 7919 + k * 104_729) % FILLER.length] as string);
  // One clip in five mentions one of the searched words.
  if (i % 5 === 0) words.splice(i % 20, 0, WORDS[(i / 5) % WORDS.length] as string);
  return words.join(' ');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const dir = await tempDir();
for (const kind of (process.env.BENCH_DATABASES?.split(',') ?? DATABASE_KINDS) as DatabaseKind[]) {
  const test = await testDatabase({ skip: () => undefined } as never, kind);
  if (!test) continue;
  const { db } = test;
  const blobs = new DiskBlobStore(join(dir.path, kind));
  const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
  const app = await appHarness({ db, blobs, queue, buttonMap, ingest });
  try {
    const started = performance.now();
    for (let from = 0; from < CLIPS; from += BATCH) {
      const rows: Insertable<ClipsTable>[] = [];
      const transcripts: Insertable<TranscriptsTable>[] = [];
      for (let i = from; i < Math.min(CLIPS, from + BATCH); i++) {
        const at = new Date(Date.UTC(2025, 0, 1) + i * 30_000).toISOString();
        const id = randomUUID();
        rows.push({
          id,
          device_id: `pi-${i % (STORES * 2)}`,
          button: 1 + (i % 3),
          question_id: ['nps', 'improve', 'complaint'][i % 3],
          pressed_at: at,
          start_at: at,
          end_at: at,
          duration_ms: 120_000,
          sample_rate: 16000,
          channels: 1,
          container: 'ogg',
          codec: 'opus',
          size: 360_000,
          sha256: 'a'.repeat(64),
          storage_key: `clips/bench/${id}.ogg`,
          truncated: 0,
          gaps_json: '[]',
          meta_json: JSON.stringify({ captureSession: 'bench', startFrame: 0, endFrame: 1, pressFrame: 0 }),
          status: 'transcribed' as const,
          received_at: at,
          store_id: `store-${i % STORES}`,
          source: 'device',
        });
        transcripts.push({
          clip_id: id,
          engine: 'bench',
          language: 'en',
          text: sentence(i),
          words_json: '[]',
          duration_ms: 120_000,
          created_at: at,
        });
      }
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('clips').values(rows).execute();
        await trx.insertInto('transcripts').values(transcripts).execute();
      });
    }
    report(`api.${kind}.load-${CLIPS}-clips`, CLIPS / ((performance.now() - started) / 1000), 'clips/s');
    // What autovacuum (PostgreSQL) or a periodic ANALYZE would have done after such a load.
    await sql`ANALYZE`.execute(db);

    const time = async (url: (i: number) => string) => {
      const times: number[] = [];
      for (let i = 0; i < QUERIES; i++) {
        const t0 = performance.now();
        const response = await app.inject({ url: url(i) });
        if (response.statusCode !== 200) throw new Error(`${url(i)}: ${response.statusCode} ${response.body}`);
        times.push(performance.now() - t0);
      }
      return times;
    };
    const list = await time((i) => `/api/v1/clips?storeId=store-${i % STORES}&questionId=nps&limit=50`);
    report(`api.${kind}.filtered-list-page-p50`, percentile(list, 50), 'ms');
    report(`api.${kind}.filtered-list-page-p99`, percentile(list, 99), 'ms');
    const search = await time(
      (i) => `/api/v1/clips?q=${encodeURIComponent(WORDS[i % WORDS.length] as string)}&limit=50`,
    );
    report(`api.${kind}.transcript-search-p50`, percentile(search, 50), 'ms');
    report(`api.${kind}.transcript-search-p99`, percentile(search, 99), 'ms');
  } finally {
    await app.close();
    await test.close();
  }
}

// Streaming: one 20 MB clip through the API against a plain read of the same file.
{
  const test = await testDatabase({ skip: () => undefined } as never, 'sqlite');
  if (test) {
    const { db } = test;
    const blobs = new DiskBlobStore(join(dir.path, 'stream'));
    const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
    const app = await appHarness({ db, blobs, queue, buttonMap, ingest });
    const key = 'clips/stream/big.wav';
    const path = join(dir.path, 'stream', key);
    await mkdir(dirname(path), { recursive: true });
    const bytes = Buffer.alloc(20 * 1024 * 1024, 7);
    await writeFile(path, bytes);
    const at = new Date().toISOString();
    await db
      .insertInto('clips')
      .values({
        id: 'big',
        device_id: 'pi',
        button: 1,
        question_id: null,
        pressed_at: at,
        start_at: at,
        end_at: at,
        duration_ms: 1,
        sample_rate: 16000,
        channels: 1,
        container: 'wav',
        codec: 'pcm_s16le',
        size: bytes.length,
        sha256: 'a'.repeat(64),
        storage_key: key,
        truncated: 0,
        gaps_json: '[]',
        meta_json: '{}',
        status: 'received',
        received_at: at,
        store_id: null,
        source: 'device',
      })
      .execute();
    const rounds = 20;
    let t0 = performance.now();
    for (let i = 0; i < rounds; i++) await readFile(path);
    const disk = (rounds * bytes.length) / ((performance.now() - t0) / 1000) / 1e6;
    const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/api/v1/clips/big/audio`;
    t0 = performance.now();
    for (let i = 0; i < rounds; i++) await (await fetch(url, { headers: app.adminHeaders })).arrayBuffer();
    const api = (rounds * bytes.length) / ((performance.now() - t0) / 1000) / 1e6;
    report('api.audio-streaming', api, 'MB/s', { name: 'read-same-file-from-disk', value: disk });
    await app.close();
    await test.close();
  }
}
await dir.remove();
