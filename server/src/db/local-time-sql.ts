import type SQLite from 'better-sqlite3';
import { type Expression, type RawBuilder, sql, SqliteAdapter } from 'kysely';
import { type Interval, startOf } from '../clips/period-start.js';
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

/** The first local day (YYYY-MM-DD) of the week (Monday) or month holding an instant in a zone. */
export function localPeriodSql(
  db: Database,
  at: Expression<string>,
  zone: Expression<string>,
  interval: Interval,
): RawBuilder<string> {
  return onSqlite(db)
    ? sql<string>`local_period(${at}, ${zone}, ${sql.lit(interval)})`
    : sql<string>`to_char(date_trunc(${sql.lit(interval)}, ${atZone(at, zone)}), 'YYYY-MM-DD')`;
}

/** The first day (YYYY-MM-DD) of the week (Monday) or month of a stored local day (YYYY-MM-DD). */
export function localDayPeriodSql(db: Database, day: Expression<string>, interval: Interval): RawBuilder<string> {
  if (interval === 'month') return sql<string>`substr(${day}, 1, 8) || '01'`;
  return onSqlite(db)
    ? sql<string>`date(${day}, '-6 days', 'weekday 1')`
    : sql<string>`to_char(date_trunc('week', cast(${day} as date)), 'YYYY-MM-DD')`;
}

/** Adds `local_day(at, zone)`, `local_hour(at, zone)` and `local_period(at, zone, interval)` to a SQLite connection. */
export function registerLocalTime(sqlite: SQLite.Database): void {
  sqlite.function('local_day', { deterministic: true }, (at, zone) => localOfQuarter(String(at), String(zone)).day);
  sqlite.function('local_period', { deterministic: true }, (at, zone, interval) =>
    startOf(localOfQuarter(String(at), String(zone)).day, interval === 'month' ? 'month' : 'week'),
  );
  sqlite.function('local_hour', { deterministic: true }, (at, zone) => localOfQuarter(String(at), String(zone)).hour);
}

const QUARTER_MS = 15 * 60_000;
const quarters = new Map<string, { day: string; hour: number }>();

/**
 * Every zone's offset, and every change of it, has fallen on a quarter hour since 1972: instants
 * of one UTC quarter hour share their local day and hour, so a report reads each zone's calendar
 * once per quarter hour rather than once per clip (the calendar is the slow part).
 */
function localOfQuarter(at: string, zone: string): { day: string; hour: number } {
  const quarter = Math.floor(Date.parse(at) / QUARTER_MS) * QUARTER_MS;
  const key = `${zone} ${quarter}`;
  let local = quarters.get(key);
  if (!local) {
    if (quarters.size >= 100_000) quarters.clear();
    local = localDayAndHour(new Date(quarter).toISOString(), zone);
    quarters.set(key, local);
  }
  return local;
}

function onSqlite(db: Database): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

function atZone(at: Expression<string>, zone: Expression<string>): RawBuilder<unknown> {
  return sql`(cast(${at} as timestamptz) at time zone ${zone})`;
}
