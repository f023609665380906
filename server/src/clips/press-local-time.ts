import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { localDaySql, localHourSql } from '../db/local-time-sql.js';
import { localDayAndHour } from './zoned-time.js';

/** A clip's `local_day` and `local_hour`: null when it has no store. */
export interface PressLocalTime {
  local_day: string | null;
  local_hour: number | null;
}

/**
 * The day and hour of a press in its store's zone, as the clip row keeps them (migration 0017):
 * the dashboard counts by them from one index, without converting each clip to its zone.
 */
export async function pressLocalTime(db: Database, storeId: string | null, pressedAt: string): Promise<PressLocalTime> {
  const store = storeId
    ? await db.selectFrom('stores').select('time_zone').where('id', '=', storeId).executeTakeFirst()
    : undefined;
  if (!store) return { local_day: null, local_hour: null };
  const { day, hour } = localDayAndHour(pressedAt, store.time_zone);
  return { local_day: day, local_hour: hour };
}

/**
 * Writes a store's clips' local day and hour again in its zone, as `pressLocalTime` would, after
 * its zone changed. The number of clips written.
 */
export async function restampLocalTimes(db: Database, storeId: string, timeZone: string): Promise<number> {
  const at = sql.ref<string>('pressed_at');
  const zone = sql.val(timeZone);
  const result = await db
    .updateTable('clips')
    .set({ local_day: localDaySql(db, at, zone), local_hour: localHourSql(db, at, zone) })
    .where('store_id', '=', storeId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
