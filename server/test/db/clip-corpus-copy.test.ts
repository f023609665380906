import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { seedChain, seedClips } from '../support/clip-corpus.js';
import { copyClips, csvField } from '../support/clip-corpus-copy.js';
import { type TestDatabase, testDatabase } from '../support/databases.js';

const STORES = 10;
const CLIPS = 1_200;

describe('the scale corpus loaded with COPY (PostgreSQL)', () => {
  let inserted: TestDatabase | undefined;
  let copied: TestDatabase | undefined;

  before(async (t) => {
    inserted = await testDatabase(t as never, 'postgres');
    copied = await testDatabase(t as never, 'postgres');
    if (!inserted || !copied) return;
    await seedChain(inserted.db, STORES);
    await seedClips(inserted.db, STORES, 0, CLIPS);
    await seedChain(copied.db, STORES);
    await copyClips(copied.url, STORES, 0, CLIPS);
  });
  after(async () => {
    await inserted?.close();
    await copied?.close();
  });

  for (const table of ['clips', 'transcripts', 'answers', 'clip_scorecards'] as const) {
    it(`holds the same ${table} rows as the INSERT loader`, async (t) => {
      if (!inserted || !copied) return t.skip('PostgreSQL is not reachable');
      const key = table === 'clips' ? 'id' : 'clip_id';
      const rows = async (test: TestDatabase) =>
        (
          await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} ORDER BY ${sql.ref(key)}`.execute(
            test.db,
          )
        ).rows;
      const expected = await rows(inserted);
      assert.ok(expected.length > 0, `the corpus has ${table}`);
      assert.deepEqual(await rows(copied), expected);
    });
  }

  it('quotes every value, so commas, quotes and empty strings survive, and writes NULL as an empty field', () => {
    assert.equal(csvField('a "quoted", word'), '"a ""quoted"", word"');
    assert.equal(csvField(''), '""');
    assert.equal(csvField(null), '');
    assert.equal(csvField(7), '"7"');
  });
});
