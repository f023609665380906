import { sql } from 'kysely';
import { NO_STORE_ZONE } from '../clips/pressed-range.js';
import { type Interval, startOf } from '../clips/period-start.js';
import { isLocalTime, localDayAndHour } from '../clips/zoned-time.js';
import type { Database } from '../db/database.js';
import { localPeriodSql } from '../db/local-time-sql.js';
import { npsClassOf } from './nps-class.js';
import { countsByLocalDays, npsPeriodCounts } from './nps-period-counts.js';
import { narrowed, type NpsClipFilter, npsClipConditions } from './nps-clip-conditions.js';
import { type NpsCounts, NpsTally } from './nps-tally.js';
import { previousPeriod } from './report-period.js';

export interface SeriesFilter extends NpsClipFilter {
  /** Both ends in the API's date grammar (clips/pressed-range.ts), of the same kind. */
  from: string;
  to: string;
  interval: Interval;
  /**
   * False: each store's figures without its points per period (a chain's chart draws the total
   * only, and 500 stores' weeks of a year are 26,000 points). Default true.
   */
  storePoints?: boolean | undefined;
}

export interface SeriesGroup extends NpsCounts {
  /** null: clips of no store (or, for the total, every store). */
  storeId: string | null;
  read: number;
  questionHeardRate: number | null;
  answeredRate: number | null;
  /** The same counts over the period of the same length just before. */
  previous: NpsCounts | null;
  /** One point per period of `periods`, in order; left out of stores' groups without storePoints. */
  points?: NpsCounts[];
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
  const storePoints = filter.storePoints ?? true;
  const previous = previousPeriod(filter.from, filter.to) ?? null;
  const current = await answersIn(db, filter, { from: filter.from, to: filter.to }, storePoints ? 'points' : 'totals');
  const before = previous ? await answersIn(db, filter, previous, 'previous') : [];

  const periods = new Set(periodsBetween(localDate(filter.from, zone), localDate(filter.to, zone), filter.interval));
  for (const row of current) if (row.period !== null) periods.add(row.period);
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
  const pointOf = (key: string, period: string) => {
    const points = groupOf(key).points;
    const point = points.get(period) ?? new NpsTally();
    points.set(period, point);
    return point;
  };
  for (const row of current) {
    if (row.store_id === ALL_STORES) {
      if (row.period !== null) row.addTo(pointOf('*', row.period));
      continue;
    }
    const store = `store:${row.store_id ?? ''}`;
    row.addTo(groupOf('*').tally);
    row.addTo(groupOf(store).tally);
    if (row.period === null) continue;
    row.addTo(pointOf('*', row.period));
    if (storePoints) row.addTo(pointOf(store, row.period));
  }
  for (const row of before) {
    if (row.store_id === ALL_STORES) continue;
    for (const key of ['*', `store:${row.store_id ?? ''}`]) row.addTo(groupOf(key).before);
  }
  const result = (key: string, storeId: string | null, withPoints: boolean): SeriesGroup => {
    const group = groupOf(key);
    return {
      storeId,
      ...group.tally.counts(),
      ...group.tally.rates(),
      previous: previous ? group.before.counts() : null,
      ...(withPoints ? { points: sorted.map((period) => (group.points.get(period) ?? new NpsTally()).counts()) } : {}),
    };
  };
  const storeKeys = [...groups.keys()].filter((key) => key !== '*').sort();
  return {
    interval: filter.interval,
    periods: sorted,
    previous,
    total: result('*', null, true),
    stores: storeKeys.map((key) => result(key, key.slice('store:'.length) || null, storePoints)),
  };
}

/** The store of a group counted over every store (the total's points). */
const ALL_STORES = Symbol('all stores');

/** NPS answers of one store (or all) and local period (or the whole range), counted in the database. */
interface AnswerGroup {
  store_id: string | null | typeof ALL_STORES;
  /** The first local day of the clips' week or month, in their store's zone; null: the whole range. */
  period: string | null;
  addTo(tally: NpsTally): void;
}

/**
 * The range's NPS answers per store and period: of stores from `nps_counts` when the range is
 * whole local days (the console's), else, and for clips of no store, from the clips. What is
 * needed of the stores: their `points` per period; their `totals` and each period's total over
 * them all (a series without store points); or only their totals (the `previous` period).
 */
async function answersIn(
  db: Database,
  filter: SeriesFilter,
  range: { from: string; to: string },
  needed: 'points' | 'totals' | 'previous',
): Promise<AnswerGroup[]> {
  const bounded = { ...filter, ...range };
  if (!countsByLocalDays(bounded)) return answersOfClips(db, filter, range, false);
  const { interval } = filter;
  const counted = [
    ...(await npsPeriodCounts(db, bounded, needed === 'points' ? { interval } : {})),
    ...(needed === 'totals' ? await npsPeriodCounts(db, bounded, { interval, perStore: false }) : []),
  ];
  const groups: AnswerGroup[] = counted.map((row) => ({
    store_id: row.store_id ?? ALL_STORES,
    period: row.period,
    addTo: (tally) => tally.addCounts(row),
  }));
  const ofNoStore =
    filter.storeId === undefined && filter.storeIds === undefined ? await answersOfClips(db, filter, range, true) : [];
  return [...groups, ...ofNoStore];
}

/** The range's NPS answers counted from their clips, per store, period, class and question heard. */
async function answersOfClips(
  db: Database,
  filter: SeriesFilter,
  range: { from: string; to: string },
  noStoreOnly: boolean,
): Promise<AnswerGroup[]> {
  // Periods of clips of no store are read in the caller's zone, as the range was.
  const zone = sql<string>`coalesce(stores.time_zone, ${filter.noStoreZone ?? NO_STORE_ZONE})`;
  const period = localPeriodSql(db, sql.ref<string>('clips.pressed_at'), zone, filter.interval);
  const conditions = await npsClipConditions(db, { ...filter, ...range });
  if (!conditions) return [];
  if (noStoreOnly) conditions.push(sql<boolean>`clips.store_id is null`);
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
  return rows.map((row) => ({
    store_id: row.store_id,
    period: row.period,
    addTo: (tally) => tally.add(row.class, Number(row.question_heard) === 1, Number(row.clips)),
  }));
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
