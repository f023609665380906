import { type RawBuilder, sql } from 'kysely';
import type { Interval } from '../clips/period-start.js';
import type { Database } from '../db/database.js';
import type { NpsCountsTable } from '../db/schema.js';
import { localDayPeriodSql } from '../db/local-time-sql.js';
import type { NpsClipFilter } from './nps-clip-conditions.js';
import { periodCover } from './period-cover.js';

/** The counts `nps_counts` keeps, summed over a group. */
const COUNTS = ['nps_clips', 'promoters', 'passives', 'detractors', 'heard', 'confirmed', 'to_review'] as const;

/** NPS answers of one store (and period), counted from `nps_counts`. */
export type NpsPeriodCounts = Pick<NpsCountsTable, (typeof COUNTS)[number]> & {
  /** null: every store's, when not asked per store. */
  store_id: string | null;
  /** The first local day of the week or month, when asked per period. */
  period: string | null;
};

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Whether a filter's NPS answers of stores can be counted from `nps_counts`: its range is whole
 * local days, plain dates read in each store's zone, as the console asks. A range of instants or
 * local times is counted from the clips.
 */
export function countsByLocalDays<F extends Pick<NpsClipFilter, 'from' | 'to'>>(
  filter: F,
): filter is F & { from: string; to: string } {
  return [filter.from, filter.to].every((bound) => bound !== undefined && PLAIN_DATE.test(bound));
}

/**
 * The filter's NPS answers of clips with a store, counted per store (or over them all without
 * `perStore`), and per week or month of their local days when `interval` is given, from
 * `nps_counts`: the range's whole months and weeks from their own rows, the days at its ends
 * from days' rows (nps/period-cover.ts), so a year reads a few dozen rows per store, not one per
 * day. Clips of no store are not in it: the caller counts them from the clips.
 */
export async function npsPeriodCounts(
  db: Database,
  filter: NpsClipFilter,
  { interval, perStore = true }: { interval?: Interval | undefined; perStore?: boolean } = {},
): Promise<NpsPeriodCounts[]> {
  if (!countsByLocalDays(filter)) throw new Error('nps_counts counts whole local days only');
  if (filter.storeIds?.length === 0) return [];
  if (!interval && !perStore) throw new Error('nps_counts: per store, per period or both');
  const merged = new Map<string, NpsPeriodCounts>();
  for (const piece of periodCover(filter.from, filter.to, interval)) {
    const starts = sql.ref<string>('starts');
    const period: RawBuilder<string | null> = !interval
      ? sql<null>`null`
      : piece.period === 'day'
        ? localDayPeriodSql(db, starts, interval)
        : sql<string>`${starts}`;
    const rows = await db
      .selectFrom('nps_counts')
      .select([
        (perStore ? sql<string | null>`store_id` : sql<string | null>`null`).as('store_id'),
        period.as('period'),
      ])
      .select(COUNTS.map((column) => sql<number>`sum(${sql.ref(column)})`.as(column)))
      .where('period_kind', '=', piece.period)
      .where('starts', '>=', piece.first)
      .where('starts', '<=', piece.last)
      .$if(filter.storeId !== undefined, (q) => q.where('store_id', '=', filter.storeId as string))
      .$if(filter.storeIds !== undefined, (q) => q.where('store_id', 'in', [...(filter.storeIds ?? [])]))
      .$if(filter.questionId !== undefined, (q) => q.where('question_id', '=', filter.questionId as string))
      // Period first: SQLite then groups whole weeks and months in the key's order, unsorted.
      .groupBy([...(interval ? ['period' as const] : []), ...(perStore ? ['store_id' as const] : [])])
      .execute();
    for (const row of rows) {
      const key = `${row.store_id}|${row.period ?? ''}`;
      const counts = merged.get(key);
      if (counts) {
        for (const column of COUNTS) counts[column] += Number(row[column]);
        continue;
      }
      // Written out, not built from the column list: a chain's year by week is 26,000 rows, and in
      // a CPU profile this loop took 50 ms of a 255 ms call when it built each from entries.
      merged.set(key, {
        store_id: row.store_id === null ? null : String(row.store_id),
        period: row.period === null ? null : String(row.period),
        nps_clips: Number(row.nps_clips),
        promoters: Number(row.promoters),
        passives: Number(row.passives),
        detractors: Number(row.detractors),
        heard: Number(row.heard),
        confirmed: Number(row.confirmed),
        to_review: Number(row.to_review),
      });
    }
  }
  // A store whose answers all went again (erased, refiled) keeps rows of zeros: not a group.
  return [...merged.values()].filter((counts) => counts.nps_clips > 0);
}
