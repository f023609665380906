import { CompiledQuery, PostgresAdapter, SqliteAdapter, sql } from 'kysely';
import type { Database } from './database.js';

/**
 * Runs `write` (statements that stage a transfer) with commits that do not wait for the disk.
 * Staging need not survive a power cut: the device keeps the clip until it hears "complete",
 * and a fin after a power cut is answered "incomplete" with whatever the cut took. It must
 * survive a crash of the server process, and it does: the commit is in the database's log
 * before the message is acknowledged to the broker. The clip's own commit stays fully
 * synchronous, and its flush also persists the staging written before it.
 *
 * SQLite: the connection is held for the pragma, the write and the pragma that restores FULL
 * (openDatabase's setting), so no other statement runs with NORMAL in force. PostgreSQL:
 * `synchronous_commit = off` for this transaction only.
 */
// Compiled once: they run around every chunk, and compiling them each time showed in profiles.
const RELAXED = CompiledQuery.raw('pragma synchronous = NORMAL');
const FULL = CompiledQuery.raw('pragma synchronous = FULL');

export async function stagingWrite<T>(db: Database, write: (db: Database) => Promise<T>): Promise<T> {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) {
    return db.connection().execute(async (connection) => {
      await connection.executeQuery(RELAXED);
      try {
        return await write(connection);
      } finally {
        await connection.executeQuery(FULL);
      }
    });
  }
  if (adapter instanceof PostgresAdapter) {
    return db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      return write(trx);
    });
  }
  return write(db);
}
