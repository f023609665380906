import { sql } from 'kysely';
import { NO_STORE_ZONE } from '../clips/pressed-range.js';
import { type Interval, startOf } from '../clips/period-start.js';
import { isLocalTime, localDayAndHour } from '../clips/zoned-time.js';
import type { Database } from '../db/database.js';
import { localPeriodSql } from '../db/local-time-sql.js';
import { type NpsClass, npsClassOf } from './nps-class.js';
import { narrowed, type NpsClipFilter, npsClipConditions } from './nps-clip-conditions.js';
import { type NpsCounts, NpsTally } from './nps-tally.js';
import { previousPeriod } from './report-period.js';

export interface SeriesFilter extends NpsClipFilter {
  /** Both ends in the API's date grammar (clips/pressed-range.ts), of the same kind. */
  from: string;
  to: string;
  interval: Interval;
}

export interface SeriesGroup extends NpsCounts {
  /** null: clips of no store (or, for the total, every store). */
  storeId: string | null;
  read: number;
  questionHeardRate: number | null;
  answeredRate: number | null;
  /** The same counts over the period of the same length just before. */
  previous: NpsCounts | null;
  /** One point per period of `periods`, in order. */
  points: NpsCounts[];
}

export interface NpsSeries {
  interval: Interval;
  /** The first local day of each week (Monday) or month the range touches, in order. */
  periods: string[];
  previous: { from: string; to: string; days: number } | null;
  total: SeriesGroup;
  /** Each store with NPS clips in either period; clips of no store under storeId null. */
  stores: SeriesGroup[];
}

/**
 * NPS per week or month, per store and for all of them, with the answers counted and the
 * question heard and answered rates, beside the same figures for the period just before. Weeks
 * and months are each store's local ones (clips of no store: `noStoreZone`).
 */
export async function npsSeries(db: Database, filter: SeriesFilter): Promise<NpsSeries> {
  const zone = filter.noStoreZone ?? NO_STORE_ZONE;
  const previous = previousPeriod(filter.from, filter.to) ?? null;
  const current = await answersIn(db, filter, { from: filter.from, to: filter.to });
  const before = previous ? await answersIn(db, filter, previous) : [];

  const periods = new Set(periodsBetween(localDate(filter.from, zone), localDate(filter.to, zone), filter.interval));
  for (const row of current) periods.add(row.period);
  const sorted = [...periods].sort();

  const groups = new Map<string, { tally: NpsTally; before: NpsTally; points: Map<string, NpsTally> }>();
  const groupOf = (key: string) => {
    const group = groups.get(key) ?? {
      tally: new NpsTally(),
      before: new NpsTally(),
      points: new Map<string, NpsTally>(),
    };
    groups.set(key, group);
    return group;
  };
  for (const row of current) {
    for (const key of ['*', `store:${row.store_id ?? ''}`]) {
      const group = groupOf(key);
      group.tally.add(row.class, row.question_heard === 1, row.clips);
      const period = row.period;
      const point = group.points.get(period) ?? new NpsTally();
      group.points.set(period, point);
      point.add(row.class, row.question_heard === 1, row.clips);
    }
  }
  for (const row of before) {
    for (const key of ['*', `store:${row.store_id ?? ''}`])
      groupOf(key).before.add(row.class, row.question_heard === 1, row.clips);
  }
  const result = (key: string, storeId: string | null): SeriesGroup => {
    const group = groupOf(key);
    return {
      storeId,
      ...group.tally.counts(),
      ...group.tally.rates(),
      previous: previous ? group.before.counts() : null,
      points: sorted.map((period) => (group.points.get(period) ?? new NpsTally()).counts()),
    };
  };
  const storeKeys = [...groups.keys()].filter((key) => key !== '*').sort();
  return {
    interval: filter.interval,
    periods: sorted,
    previous,
    total: result('*', null),
    stores: storeKeys.map((key) => result(key, key.slice('store:'.length) || null)),
  };
}

/** NPS clips of one store, local period, class and question heard, counted in the database. */
interface AnswerGroup {
  store_id: string | null;
  /** The first local day of the clips' week or month, in their store's zone. */
  period: string;
  class: NpsClass | null;
  question_heard: number;
  clips: number;
}

async function answersIn(
  db: Database,
  filter: SeriesFilter,
  range: { from: string; to: string },
): Promise<AnswerGroup[]> {
  // Periods of clips of no store are read in the caller's zone, as the range was.
  const zone = sql<string>`coalesce(stores.time_zone, ${filter.noStoreZone ?? NO_STORE_ZONE})`;
  const period = localPeriodSql(db, sql.ref<string>('clips.pressed_at'), zone, filter.interval);
  const conditions = await npsClipConditions(db, { ...filter, ...range });
  if (!conditions) return [];
  const query = narrowed(
    db
      .selectFrom('answers')
      .innerJoin('clips', 'clips.id', 'answers.clip_id')
      .leftJoin('stores', 'stores.id', 'clips.store_id')
      .where('answers.form', '=', 'nps')
      .select((eb) => [
        'clips.store_id',
        period.as('period'),
        npsClassOf(eb).as('class'),
        'answers.question_heard',
        eb.fn.countAll<number | string>().as('clips'),
      ]),
    conditions,
  ).groupBy(['clips.store_id', 'period', 'class', 'answers.question_heard']);
  const rows = await query.execute();
  return rows.map((row) => ({ ...row, question_heard: Number(row.question_heard), clips: Number(row.clips) }));
}

/** The local date a bound names: its own date when local, else its date in `zone`. */
function localDate(bound: string, zone: string): string {
  return isLocalTime(bound) ? bound.slice(0, 10) : localDayAndHour(new Date(bound).toISOString(), zone).day;
}

/** Every period start from the one holding `first` to the one holding `last`. */
function periodsBetween(first: string, last: string, interval: Interval): string[] {
  const periods: string[] = [];
  const date = new Date(`${startOf(first, interval)}T00:00:00Z`);
  // A guard against a huge range: a period list longer than this is cut (the rows still count).
  for (let i = 0; i < 600 && date.toISOString().slice(0, 10) <= last; i++) {
    periods.push(date.toISOString().slice(0, 10));
    if (interval === 'month') date.setUTCMonth(date.getUTCMonth() + 1);
    else date.setUTCDate(date.getUTCDate() + 7);
  }
  return periods;
}
