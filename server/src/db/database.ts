import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type SqliteDatabase, sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { EX_CONFIG, StartupFailure } from '@earshot/shared/cli';
import { explainDatabaseError, MigrationError } from './database-failures.js';
import { registerLocalTime } from './local-time-sql.js';
import { migrationProvider } from './migrations.js';
import type { DatabaseSchema } from './schema.js';

export type Database = Kysely<DatabaseSchema>;

/** A database URL Earshot cannot use: a configuration mistake. */
export class DatabaseUrlError extends StartupFailure {
  constructor(message: string) {
    super(message, EX_CONFIG);
  }
}

/**
 * Opens the database named by `url` and migrates it: `sqlite:<path>` or `sqlite::memory:` (the
 * default, embedded), or `postgres://user:pass@host:port/db` (scale-out). A PostgreSQL URL may
 * carry `?schema=<name>`: tables then live in that schema, created when missing, so that several
 * installations (or test runs) can share one database.
 */
export async function openDatabase(url: string): Promise<Database> {
  try {
    return await openAndMigrate(url);
  } catch (error) {
    throw explainDatabaseError(url, JSON.stringify(redact(url)), error);
  }
}

async function openAndMigrate(url: string): Promise<Database> {
  const db = url.startsWith('sqlite:')
    ? openSqlite(url.slice('sqlite:'.length))
    : /^postgres(ql)?:\/\//.test(url)
      ? await openPostgres(url)
      : undefined;
  if (!db) {
    throw new DatabaseUrlError(
      `unsupported database url ${JSON.stringify(redact(url))}: expected sqlite:<path> or postgres://...`,
    );
  }
  try {
    await migrate(db, url.startsWith('sqlite:') ? undefined : await currentSchema(db));
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/**
 * The SQLite file under each SQLite database: some pragmas must be stepped to the end, which
 * Kysely's one-step `run` of a statement returning no rows does not do (free-space.ts).
 */
const sqliteFiles = new WeakMap<Database, SQLite.Database>();

export function sqliteFileOf(db: Database): SQLite.Database | undefined {
  return sqliteFiles.get(db);
}

/** SQLite's `auto_vacuum` mode number for INCREMENTAL. */
const INCREMENTAL = 2;

function openSqlite(path: string): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets the API read while ingest writes. FULL: a device deletes its copy once we answer
  // "complete", so a commit must survive a power cut, not only a crash.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  // 64 MiB of pages kept in the process (SQLite's default is 2 MiB): the dashboard and the lists
  // read the same indexes over and over, and each page missed is a read from the OS cache (a
  // list over one store at 1,000,000 clips: 14 ms at p50 with the default, 5 ms with this).
  sqlite.pragma('cache_size = -65536');
  // Freed pages go back to the file system on `incremental_vacuum` (see free-space.ts). A file
  // made before this setting needs one full VACUUM to switch, once.
  if (sqlite.pragma('auto_vacuum', { simple: true }) !== INCREMENTAL) {
    sqlite.pragma('auto_vacuum = INCREMENTAL');
    sqlite.exec('VACUUM');
  }
  sqlite.pragma('foreign_keys = ON');
  registerLocalTime(sqlite);
  const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: preparedOnce(sqlite) }) });
  sqliteFiles.set(db, sqlite);
  return db;
}

/**
 * Kysely prepares every statement it runs; preparing costs about as much as running a small
 * insert, and ingest runs the same few statements for every chunk. Bounded: statements whose
 * text varies (lists of values) do not accumulate.
 */
function preparedOnce(sqlite: SQLite.Database, capacity = 500): SqliteDatabase {
  const statements = new LRUCache<string, SQLite.Statement>({ max: capacity });
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        statement = sqlite.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

/** A postgres:// URL split into what pg understands and Earshot's own `schema` parameter. */
export function postgresTarget(url: string): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new DatabaseUrlError(`database url: schema ${JSON.stringify(schema)} must match [a-z_][a-z0-9_]*`);
  }
  return { connectionString: parsed.toString(), schema };
}

async function openPostgres(url: string): Promise<Database> {
  const { connectionString, schema } = postgresTarget(url);
  if (schema) {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    // No parallel workers for the server's queries: each is a walk of an index to a page's end or
    // a read of counts kept per day (the plan tests see to it), and a worker's launch cost more
    // than such a walk. A page of clips without a transcript at 1,000,000 clips: 30 ms, 17 of
    // them starting one worker for 0.7 ms of work (EXPLAIN ANALYZE).
    options: [...(schema ? [`-c search_path=${schema}`] : []), '-c max_parallel_workers_per_gather=0'].join(' '),
  });
  // An idle client losing its connection must not take the process down; the next query retries.
  pool.on('error', () => undefined);
  return new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Kysely looks for its migration tables in every schema unless told which one: with another
 * installation (or test run) in the same database it would find theirs and skip creating its own.
 */
async function currentSchema(db: Database): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('database: no current schema (check search_path)');
  return schema;
}

async function migrate(db: Database, migrationTableSchema: string | undefined): Promise<void> {
  const { error, results } = await new Migrator({
    db,
    provider: migrationProvider,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new MigrationError(`database migration ${failed?.migrationName ?? '(none)'} failed: ${reason}`);
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
