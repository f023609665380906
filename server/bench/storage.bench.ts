// Insert and query rates of the clip table on SQLite and PostgreSQL, through Kysely, against the
// same insert written as an SQL template (the baseline: query building without the builder).
import { randomUUID } from 'node:crypto';
import { report } from '@earshot/test-kit/bench';
import { sql } from 'kysely';
import type { Database } from '../src/db/database.js';
import type { Insertable } from 'kysely';
import type { ClipsTable } from '../src/db/schema.js';
import { DATABASE_KINDS, testDatabase } from '../test/support/databases.js';

const INSERTS = 400;

function clipRow(i: number): Insertable<ClipsTable> {
  const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  return {
    id: randomUUID(),
    device_id: `pi-${i % 10}`,
    button: 1,
    question_id: 'nps',
    pressed_at: at,
    start_at: at,
    end_at: at,
    duration_ms: 120_000,
    sample_rate: 16000,
    channels: 1,
    container: 'wav',
    codec: 'pcm_s16le',
    size: 3_840_044,
    sha256: 'a'.repeat(64),
    storage_key: `clips/x/${i}.wav`,
    truncated: 0,
    gaps_json: '[]',
    meta_json: '{}',
    status: 'received',
    received_at: at,
    store_id: `store-${i % 3}`,
    source: 'device',
  };
}

async function perSecond(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return n / ((performance.now() - start) / 1000);
}

const skip = { skip: (reason: string) => process.stderr.write(`storage bench skipped: ${reason}\n`) };

for (const kind of DATABASE_KINDS) {
  const test = await testDatabase(skip as never, kind);
  if (!test) continue;
  const db: Database = test.db;
  try {
    // Baseline: the same single-row insert as an SQL template through the same connection.
    const baseline = await perSecond(INSERTS, async (i) => {
      const r = clipRow(i + 1_000_000);
      const values = Object.values(r);
      const columns = Object.keys(r).map((c) => sql.id(c));
      await sql`insert into clips (${sql.join(columns)}) values (${sql.join(values)})`.execute(db);
    });
    const kysely = await perSecond(INSERTS, (i) => db.insertInto('clips').values(clipRow(i)).execute());
    report(`storage.${kind}.insert-clip`, kysely, 'rows/s', { name: 'sql-template-insert', value: baseline });

    const pages = await perSecond(200, (i) =>
      db
        .selectFrom('clips')
        .leftJoin('questions', 'questions.id', 'clips.question_id')
        .leftJoin('transcripts', 'transcripts.clip_id', 'clips.id')
        .leftJoin('answers', 'answers.clip_id', 'clips.id')
        .selectAll('clips')
        .where('clips.store_id', '=', `store-${i % 3}`)
        .orderBy('clips.pressed_at', 'desc')
        .limit(50)
        .execute(),
    );
    const byId = await perSecond(400, () => db.selectFrom('clips').select('id').limit(1).execute());
    report(`storage.${kind}.list-page-50`, pages, 'queries/s', { name: 'select-one-row', value: byId });
  } finally {
    await test.close();
  }
}
