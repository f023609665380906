import type SQLite from 'better-sqlite3';
import { type Expression, type RawBuilder, sql, SqliteAdapter } from 'kysely';
import { localDayAndHour } from '../clips/zoned-time.js';
import type { Database } from './database.js';

/**
 * An instant's local day (YYYY-MM-DD) and hour (0–23) in a zone, computed in the database so that
 * reports group there and send the server their groups, not their rows. PostgreSQL knows zones;
 * SQLite is taught them by the functions `registerLocalTime` adds, which read them as
 * clips/zoned-time.ts does.
 */
export function localDaySql(db: Database, at: Expression<string>, zone: Expression<string>): RawBuilder<string> {
  return onSqlite(db)
    ? sql<string>`local_day(${at}, ${zone})`
    : sql<string>`to_char(${atZone(at, zone)}, 'YYYY-MM-DD')`;
}

export function localHourSql(db: Database, at: Expression<string>, zone: Expression<string>): RawBuilder<number> {
  return onSqlite(db)
    ? sql<number>`local_hour(${at}, ${zone})`
    : sql<number>`cast(extract(hour from ${atZone(at, zone)}) as integer)`;
}

/** Adds `local_day(at, zone)` and `local_hour(at, zone)` to a SQLite connection. */
export function registerLocalTime(sqlite: SQLite.Database): void {
  sqlite.function('local_day', { deterministic: true }, (at, zone) => localDayAndHour(String(at), String(zone)).day);
  sqlite.function('local_hour', { deterministic: true }, (at, zone) => localDayAndHour(String(at), String(zone)).hour);
}

function onSqlite(db: Database): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

function atZone(at: Expression<string>, zone: Expression<string>): RawBuilder<unknown> {
  return sql`(cast(${at} as timestamptz) at time zone ${zone})`;
}
