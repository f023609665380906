import { type Expression, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { wholeLocalDays } from './whole-local-days.js';
import { isLocalTime } from './zoned-time.js';

/**
 * A range of instants split between the counts kept per store and local day and the clips: the
 * local days whole inside it in every zone of the stores asked about are read from the counts,
 * and three sets of clips from the clips, one query each (a condition with OR between them could
 * lead either database off the time index).
 */
export interface InstantRangeSplit {
  /** The first and last local day (plain dates) counted for every store. */
  days: { from: string; to: string };
  /**
   * Conditions on `clips`: the stores' clips of other days at the range's start; clips of no store
   * between the two ends (the counts keep only stores'); the stores' clips of other days at its end.
   */
  clips: [atStart: Expression<SqlBool>, ofNoStore: Expression<SqlBool>, atEnd: Expression<SqlBool>];
}

/**
 * The split of [from, to) for the clips of `stores` (undefined: every store). Undefined when a
 * bound is a local date or time (read in each store's zone), or when no local day lies whole in
 * every zone (a range shorter than about two days): the range is then read from the clips. A range
 * open at its end is split as if it ended now, and its end's clips are read to the last press.
 */
export async function splitAtWholeLocalDays(
  db: Database,
  range: { from: string; to?: string | undefined },
  stores: readonly string[] | undefined,
): Promise<InstantRangeSplit | undefined> {
  if ([range.from, range.to].some((bound) => bound !== undefined && isLocalTime(bound))) return undefined;
  if (stores?.length === 0) return undefined;
  const start = new Date(range.from).toISOString();
  const end = range.to === undefined ? undefined : new Date(range.to).toISOString();
  const whole = wholeLocalDays(start, end ?? new Date().toISOString(), await zonesOf(db, stores));
  if (!whole) return undefined;
  const { days, edges } = whole;
  const between = (after: string, before: string | undefined) =>
    before === undefined
      ? sql<boolean>`clips.pressed_at >= ${after}`
      : sql<boolean>`clips.pressed_at >= ${after} and clips.pressed_at < ${before}`;
  const otherDays = sql<boolean>`(clips.store_id is null or clips.local_day < ${days.from} or clips.local_day > ${days.to})`;
  return {
    days,
    clips: [
      sql<boolean>`${between(start, edges.before)} and ${otherDays}`,
      sql<boolean>`${between(edges.before, edges.after)} and clips.store_id is null`,
      sql<boolean>`${between(edges.after, end)} and ${otherDays}`,
    ],
  };
}

/** The zones the stores keep their days in: those given, or every store's. */
async function zonesOf(db: Database, stores: readonly string[] | undefined): Promise<string[]> {
  const query = db.selectFrom('stores').select('time_zone').distinct();
  const rows = await (stores === undefined ? query : query.where('id', 'in', [...stores])).execute();
  return rows.map((row) => row.time_zone);
}
