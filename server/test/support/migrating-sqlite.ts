import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { registerLocalTime } from '../../src/db/local-time-sql.js';
import { migrationProvider } from '../../src/db/migrations.js';
import type { DatabaseSchema } from '../../src/db/schema.js';

/**
 * An empty in-memory SQLite database and a migrator over the server's migrations, for tests that
 * migrate up to one migration, write rows as they stood then, and migrate the rest of the way.
 */
export function migratingSqlite(): { db: Kysely<DatabaseSchema>; migrator: Migrator } {
  const sqlite = new SQLite(':memory:');
  // As the server opens it: later migrations read local times with these functions.
  registerLocalTime(sqlite);
  const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, migrator: new Migrator({ db, provider: migrationProvider }) };
}
