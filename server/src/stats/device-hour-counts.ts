import { sql } from 'kysely';
import type { Principal } from '../access/principal.js';
import type { Database } from '../db/database.js';
import { type CountedDays, ofCountedDays } from './counted-days.js';

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

/**
 * Presses of stores' devices per local hour of the day between two plain dates (both included),
 * each day and hour in its store's zone, summed in the database from `device_hour_counts`
 * (migration 0025): a row per device and day, not a clip each. Clips of no store are not in it:
 * the caller counts them from the clips. Each device's 24 hours, by device id.
 */
export async function countedCoverage(
  db: Database,
  days: CountedDays,
  principal: Principal | null,
): Promise<Map<string, number[]>> {
  const query = db
    .selectFrom('device_hour_counts')
    .select('device_id')
    .select(HOURS.map((hour) => sql<number | string>`sum(${sql.ref(`h${hour}`)})`.as(`h${hour}`)));
  const rows = await ofCountedDays(query, 'device_hour_counts', days, principal).groupBy('device_id').execute();
  const devices = new Map<string, number[]>();
  for (const row of rows) {
    const hours = HOURS.map((hour) => Number(row[`h${hour}`]));
    // A device whose clips of the range all went (destroyed, refiled) keeps rows of zero.
    if (hours.some((n) => n !== 0)) devices.set(row.device_id, hours);
  }
  return devices;
}
