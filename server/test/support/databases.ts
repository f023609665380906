import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { requireService } from '@earshot/test-kit/services';
import { tempDir } from '@earshot/test-kit/temp-dir';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/db/database.js';

export const TEST_PG_URL = process.env.EARSHOT_TEST_PG_URL ?? 'postgres://earshot:earshot@127.0.0.1:5432/earshot_test';

export interface TestDatabase {
  db: Database;
  url: string;
  close(): Promise<void>;
}

/** The kinds of database every storage test runs against. */
export const DATABASE_KINDS = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

/**
 * A fresh, migrated database of `kind`: SQLite in a temporary file, or PostgreSQL in a schema of its own
 * (dropped on close). Undefined when PostgreSQL is unreachable outside CI (the test is skipped).
 */
export async function testDatabase(t: TestContext, kind: DatabaseKind): Promise<TestDatabase | undefined> {
  if (kind === 'sqlite') {
    const dir = await tempDir('earshot-db-');
    const url = `sqlite:${join(dir.path, 'earshot.db')}`;
    const db = await openDatabase(url);
    return {
      db,
      url,
      async close() {
        await db.destroy();
        await dir.remove();
      },
    };
  }
  const reachable = await requireService(t, 'PostgreSQL', async () => {
    const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  });
  if (!reachable) return undefined;
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = `${TEST_PG_URL}?schema=${schema}`;
  let db: Database;
  try {
    db = await withDdlLock('shared', () => openDatabase(url));
  } catch (error) {
    await dropSchema(schema);
    throw error;
  }
  return {
    db,
    url,
    async close() {
      await db.destroy();
      await dropSchema(schema);
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  await withDdlLock('exclusive', async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
}

/** Any number; the advisory lock that keeps schema drops and migrations of test runs apart. */
const DDL_LOCK = 7_454_001;

/**
 * Kysely's migrator introspects the tables of every schema, and that catalog query fails ("schema
 * ... does not exist") when another test process drops its schema at the same moment. Test files
 * run in parallel: migrations take this lock shared, drops exclusive.
 */
async function withDdlLock<T>(mode: 'shared' | 'exclusive', fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  const suffix = mode === 'shared' ? '_shared' : '';
  try {
    await client.query(`SELECT pg_advisory_lock${suffix}($1)`, [DDL_LOCK]);
    return await fn(client);
  } finally {
    await client.query(`SELECT pg_advisory_unlock${suffix}($1)`, [DDL_LOCK]).catch(() => undefined);
    await client.end();
  }
}
