import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { sql } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { DATABASE_KINDS, type DatabaseKind, testDatabase } from '../support/databases.js';
import { ingestHarness, wavClip } from '../support/ingest-harness.js';

/**
 * Triggers record the durability setting in force at each insert: SQLite's `synchronous`
 * (1 NORMAL, 2 FULL) or PostgreSQL's `synchronous_commit`. This is what a power cut would find.
 */
async function recordDurability(db: Database, kind: DatabaseKind): Promise<void> {
  await sql`create table durability_log (id integer, tbl text, setting text)`.execute(db);
  const tables = ['transfers', 'transfer_chunks', 'clips', 'jobs'];
  if (kind === 'sqlite') {
    for (const table of tables) {
      await sql`create trigger ${sql.raw(`log_${table}`)} after insert on ${sql.table(table)} begin
        insert into durability_log select (select count(*) from durability_log), ${sql.lit(table)}, cast(synchronous as text) from pragma_synchronous;
      end`.execute(db);
    }
    return;
  }
  await sql`create function log_durability() returns trigger language plpgsql as $$ begin
      insert into durability_log select (select count(*) from durability_log), tg_table_name, current_setting('synchronous_commit');
      return new;
    end $$`.execute(db);
  for (const table of tables) {
    await sql`create trigger ${sql.raw(`log_${table}`)} after insert on ${sql.table(table)}
      for each row execute function log_durability()`.execute(db);
  }
}

const RELAXED = { sqlite: '1', postgres: 'off' };
const FULL = { sqlite: '2', postgres: 'on' };

for (const kind of DATABASE_KINDS) {
  describe(`staging durability on ${kind}`, () => {
    it('stages without waiting for the disk and commits the clip fully synchronously', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      const dir = await tempDir();
      try {
        const { db } = test;
        await recordDurability(db, kind);
        const { ingest } = ingestHarness(db, new DiskBlobStore(join(dir.path, 'blobs')));
        const { meta, audio } = wavClip(Buffer.alloc(100_000, 3), 1, new Date('2026-03-01T10:00:00Z'));
        const ack = await submitClip(ingest, 'dev-1', meta, audio, 32 * 1024);
        assert.equal(ack.status, 'complete');
        // Another write on the same connection afterwards: staging must not leave NORMAL behind.
        const at = new Date().toISOString();
        await db
          .insertInto('jobs')
          .values({
            queue: 'probe',
            payload_json: '{}',
            state: 'queued',
            attempts: 0,
            run_at: at,
            created_at: at,
            updated_at: at,
          })
          .execute();

        const log = await sql<{
          tbl: string;
          setting: string;
        }>`select tbl, setting from durability_log order by id`.execute(db);
        const settings = log.rows.map((r) => `${r.tbl}:${r.setting}`);
        assert.deepEqual(settings, [
          `transfers:${RELAXED[kind]}`,
          ...Array.from({ length: 4 }, () => `transfer_chunks:${RELAXED[kind]}`),
          `clips:${FULL[kind]}`,
          `jobs:${FULL[kind]}`,
          `jobs:${FULL[kind]}`,
        ]);
      } finally {
        await dir.remove();
        await test.close();
      }
    });
  });
}
