import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type CorpusRows, corpusRows } from './clip-corpus.js';

/** Clips per COPY round: the rows of one round are built in memory first. */
const ROUND = 50_000;

/**
 * The corpus of clip-corpus.ts loaded into PostgreSQL with COPY (CSV), as issue #15 asks for its
 * 10,000,000-clip run: row by row INSERTs of that many clips take hours. The rows are the ones
 * seedClips inserts, so a COPY-loaded database answers the same queries the same way. Each round
 * (clips, then the rows that refer to them) is one transaction.
 */
export async function copyClips(url: string, stores: number, from: number, to: number): Promise<void> {
  const schema = new URL(url).searchParams.get('schema');
  const client = new pg.Client({ connectionString: url.replace(/\?.*$/, '') });
  await client.connect();
  try {
    if (schema) await client.query(`SET search_path TO "${schema.replaceAll('"', '""')}"`);
    for (let start = from; start < to; start += ROUND) {
      const rows = corpusRows(stores, start, Math.min(to, start + ROUND));
      await client.query('BEGIN');
      for (const table of ['clips', 'transcripts', 'answers', 'clip_scorecards'] as const) {
        await copyTable(client, table, rows[table]);
      }
      await client.query('COMMIT');
      // The triggers rewrite each device's row, the NPS counts and the clip counts once per clip and answer: a
      // round of 50,000 leaves millions of dead versions of a thousand device rows, and every
      // later update walked them (the load fell from 10,000 to 5,000 clips a second by
      // 2,000,000). Autovacuum would clear them between rounds; this machine runs without it.
      await client.query('VACUUM devices, nps_counts, clip_counts');
    }
  } finally {
    await client.end();
  }
}

async function copyTable(client: pg.Client, table: keyof CorpusRows, rows: readonly object[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const copy = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
  const lines = function* () {
    for (const row of rows) {
      const values = row as Record<string, string | number | null>;
      yield `${columns.map((c) => csvField(values[c])).join(',')}\n`;
    }
  };
  await pipeline(Readable.from(lines()), copy);
}

/** A CSV field as COPY reads it: an unquoted empty field is NULL, everything else is quoted. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return `"${String(value).replaceAll('"', '""')}"`;
}
