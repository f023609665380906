import { type Database, sqliteFileOf } from './database.js';

/**
 * Gives the space of deleted rows back to the file system after large deletes (expired staging).
 * SQLite keeps freed pages in the file unless auto_vacuum is INCREMENTAL (openDatabase sets it)
 * and `incremental_vacuum` runs to its end (exec steps it through; a prepared statement's single
 * step frees one page). PostgreSQL's autovacuum makes the space reusable by itself.
 */
export function returnFreeSpace(db: Database): void {
  sqliteFileOf(db)?.exec('pragma incremental_vacuum');
}
