import { NO_STORE_ZONE, pressedRange } from '../clips/pressed-range.js';
import { isLocalTime, localDayAndHour } from '../clips/zoned-time.js';
import type { Database } from '../db/database.js';
import { type NpsClass, npsClassOf } from './nps-class.js';
import { type NpsCounts, NpsTally } from './nps-tally.js';
import { previousPeriod } from './report-period.js';

export type Interval = 'week' | 'month';

export interface SeriesFilter {
  storeId?: string | undefined;
  /** Only these stores (a manager's); undefined: every store. */
  storeIds?: readonly string[] | undefined;
  questionId?: string | undefined;
  /** Both ends in the API's date grammar (clips/pressed-range.ts), of the same kind. */
  from: string;
  to: string;
  interval: Interval;
  noStoreZone?: string | undefined;
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

/** At most this many answers are read for one series; a wider range is refused, not cut. */
export const MAX_ANSWERS = 200_000;

/**
 * NPS per week or month, per store and for all of them, with the answers counted and the
 * question heard and answered rates, beside the same figures for the period just before. Weeks
 * and months are each store's local ones (clips of no store: `noStoreZone`).
 */
export async function npsSeries(db: Database, filter: SeriesFilter): Promise<NpsSeries | string> {
  const zone = filter.noStoreZone ?? NO_STORE_ZONE;
  const previous = previousPeriod(filter.from, filter.to) ?? null;
  const current = await answersIn(db, filter, { from: filter.from, to: filter.to });
  const before = previous ? await answersIn(db, filter, previous) : [];
  if (typeof current === 'string') return current;
  if (typeof before === 'string') return before;

  const periodOf = (row: AnswerRow) =>
    startOf(localDayAndHour(row.pressed_at, row.time_zone ?? zone).day, filter.interval);
  const periods = new Set(periodsBetween(localDate(filter.from, zone), localDate(filter.to, zone), filter.interval));
  for (const row of current) periods.add(periodOf(row));
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
      group.tally.add(row.class, row.question_heard === 1);
      const period = periodOf(row);
      const point = group.points.get(period) ?? new NpsTally();
      group.points.set(period, point);
      point.add(row.class, row.question_heard === 1);
    }
  }
  for (const row of before) {
    for (const key of ['*', `store:${row.store_id ?? ''}`])
      groupOf(key).before.add(row.class, row.question_heard === 1);
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

interface AnswerRow {
  store_id: string | null;
  pressed_at: string;
  time_zone: string | null;
  class: NpsClass | null;
  question_heard: number;
}

async function answersIn(
  db: Database,
  filter: SeriesFilter,
  range: { from: string; to: string },
): Promise<AnswerRow[] | string> {
  let query = db
    .selectFrom('answers')
    .innerJoin('clips', 'clips.id', 'answers.clip_id')
    .leftJoin('stores', 'stores.id', 'clips.store_id')
    .where('answers.form', '=', 'nps')
    .select((eb) => [
      'clips.store_id',
      'clips.pressed_at',
      'stores.time_zone',
      npsClassOf(eb).as('class'),
      'answers.question_heard',
    ]);
  const stores = filter.storeId ? [filter.storeId] : filter.storeIds;
  if (filter.storeId) query = query.where('clips.store_id', '=', filter.storeId);
  if (filter.storeIds) {
    if (filter.storeIds.length === 0) return [];
    query = query.where('clips.store_id', 'in', [...filter.storeIds]);
  }
  if (filter.questionId) query = query.where('clips.question_id', '=', filter.questionId);
  query = query.where(await pressedRange(db, range, { stores, noStoreZone: filter.noStoreZone }));
  const rows = await query.limit(MAX_ANSWERS + 1).execute();
  if (rows.length > MAX_ANSWERS) return `more than ${MAX_ANSWERS} answers in that range: ask for a shorter one`;
  return rows.map((row) => ({ ...row, question_heard: Number(row.question_heard) }));
}

/** The local date a bound names: its own date when local, else its date in `zone`. */
function localDate(bound: string, zone: string): string {
  return isLocalTime(bound) ? bound.slice(0, 10) : localDayAndHour(new Date(bound).toISOString(), zone).day;
}

/** The first day of the week (Monday, as ISO 8601 and Russian calendars have it) or month of a day. */
export function startOf(day: string, interval: Interval): string {
  if (interval === 'month') return `${day.slice(0, 7)}-01`;
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
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
