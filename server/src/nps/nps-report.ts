import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { type InstantRangeSplit, splitAtWholeLocalDays } from '../clips/instant-range-split.js';
import type { Database } from '../db/database.js';
import type { DatabaseSchema } from '../db/schema.js';
import { npsClassOf } from './nps-class.js';
import { countsByLocalDays, npsPeriodCounts } from './nps-period-counts.js';
import { narrowed, type NpsClipFilter, npsClipConditions } from './nps-clip-conditions.js';

export interface NpsReport {
  /** %promoters − %detractors, −100..100; null without answers. */
  nps: number | null;
  answers: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** NPS clips read without an answer in force (missing, unsure, declined): not counted in `answers`. */
  unscored: number;
  /** Of `answers`, those a person gave or confirmed; the rest are the machine's. */
  confirmed: number;
  /** NPS clips waiting for a person: the machine was unsure and nobody has answered yet. */
  toReview: number;
}

/**
 * NPS over the answers in force of the clips that match (a person's answer wins over the
 * machine's), counted per class (nps-class.ts) in the database.
 */
export async function npsReport(db: Database, filter: NpsClipFilter): Promise<NpsReport> {
  return (await classCounts(db, filter, false)).get(ALL) ?? emptyReport();
}

/**
 * The same report for each store with NPS clips in the filter (null: clips of no store), in one
 * query: a chain's dashboard asked once per store, five hundred requests a view.
 */
export async function npsReportsByStore(db: Database, filter: NpsClipFilter): Promise<Map<string | null, NpsReport>> {
  return (await classCounts(db, filter, true)) as Map<string | null, NpsReport>;
}

/** The key of the one report of all stores. */
const ALL = Symbol('all stores');

async function classCounts(
  db: Database,
  filter: NpsClipFilter,
  byStore: boolean,
): Promise<Map<string | null | typeof ALL, NpsReport>> {
  const reports = new Map<string | null | typeof ALL, NpsReport>();
  const reportOf = (storeId: string | null) => {
    const key = byStore ? storeId : ALL;
    const report = reports.get(key) ?? emptyReport();
    reports.set(key, report);
    return report;
  };
  // Whole local days of stores are counted from nps_counts; clips of no store, and ranges of
  // local times, from the clips. A range of instants is counted from nps_counts for the local
  // days whole in every store's zone, and from the clips at its ends (clips/instant-range-split.ts).
  const byLocalDays = countsByLocalDays(filter);
  const split =
    byLocalDays || filter.from === undefined
      ? undefined
      : await splitAtWholeLocalDays(
          db,
          { from: filter.from, to: filter.to },
          filter.storeId !== undefined ? [filter.storeId] : filter.storeIds,
        );
  const counted = byLocalDays ? filter : split ? { ...filter, ...split.days } : undefined;
  if (counted) {
    for (const day of await npsPeriodCounts(db, counted)) {
      const report = reportOf(day.store_id);
      report.promoters += day.promoters;
      report.passives += day.passives;
      report.detractors += day.detractors;
      report.answers += day.promoters + day.passives + day.detractors;
      report.unscored += day.nps_clips - (day.promoters + day.passives + day.detractors);
      report.confirmed += day.confirmed;
      report.toReview += day.to_review;
    }
  }
  const reads = await clipReads(db, filter, { byLocalDays, split });
  const selection = (eb: ExpressionBuilder<DatabaseSchema, 'answers'>) => [
    npsClassOf(eb).as('class'),
    eb.fn.countAll<number>().as('clips'),
    eb.fn.sum<number>(eb.case().when('answers.source', '=', 'human').then(1).else(0).end()).as('human'),
    eb.fn.sum<number>('answers.needs_review').as('to_review'),
  ];
  for (const conditions of reads) {
    // Per store, the clips are read in the range by their own index and joined to their answers;
    // for the total, with no condition on clips, every NPS answer counts and clips are not read.
    const rows = byStore
      ? await narrowed(
          db
            .selectFrom('clips')
            .innerJoin('answers', 'answers.clip_id', 'clips.id')
            .where('answers.form', '=', 'nps')
            .select((eb) => ['clips.store_id', ...selection(eb)]),
          conditions,
        )
          .groupBy(['clips.store_id', 'class'])
          .execute()
      : await db
          .selectFrom('answers')
          .where('answers.form', '=', 'nps')
          .$if(conditions.length > 0, (q) =>
            q.where('answers.clip_id', 'in', narrowed(db.selectFrom('clips').select('clips.id'), conditions)),
          )
          .select((eb) => [sql<null>`null`.as('store_id'), ...selection(eb)])
          .groupBy('class')
          .execute();
    for (const row of rows) {
      const report = reportOf(row.store_id);
      const clips = Number(row.clips);
      report.toReview += Number(row.to_review ?? 0);
      if (row.class === null) {
        report.unscored += clips;
        continue;
      }
      report[`${row.class}s`] += clips;
      report.answers += clips;
      report.confirmed += Number(row.human ?? 0);
    }
  }
  return withNps(reports);
}

/**
 * The conditions on clips of each query the report reads them in: none when the counts answer
 * it all; clips of no store beside whole local days; the pieces of a range of instants beside
 * its whole days; else the filter's.
 */
async function clipReads(
  db: Database,
  filter: NpsClipFilter,
  counted: { byLocalDays: boolean; split: InstantRangeSplit | undefined },
): Promise<Expression<SqlBool>[][]> {
  if (counted.split) {
    const { clips } = counted.split;
    const stores = await npsClipConditions(db, { ...filter, from: undefined, to: undefined });
    return stores ? clips.map((piece) => [...stores, piece]) : [];
  }
  const conditions = await npsClipConditions(db, filter);
  if (!conditions) return [];
  if (!counted.byLocalDays) return [conditions];
  if (filter.storeId !== undefined || filter.storeIds !== undefined) return [];
  return [[...conditions, sql<boolean>`clips.store_id is null`]];
}

/** The reports with their NPS worked out from their counts. */
function withNps<K>(reports: Map<K, NpsReport>): Map<K, NpsReport> {
  for (const report of reports.values()) {
    const { answers, promoters, detractors } = report;
    report.nps = answers === 0 ? null : Math.round(((promoters - detractors) / answers) * 1000) / 10;
  }
  return reports;
}

function emptyReport(): NpsReport {
  return { nps: null, answers: 0, promoters: 0, passives: 0, detractors: 0, unscored: 0, confirmed: 0, toReview: 0 };
}
