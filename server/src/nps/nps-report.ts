import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { pressedRange } from '../clips/pressed-range.js';
import type { Database } from '../db/database.js';
import type { DatabaseSchema } from '../db/schema.js';
import { npsClassOf } from './nps-class.js';

export interface NpsFilter {
  storeId?: string;
  /** Only these stores (a manager's); undefined: every store. */
  storeIds?: readonly string[];
  questionId?: string;
  /** Presses at or after: an instant, or a local date or time (clips/pressed-range.ts). */
  from?: string | undefined;
  /** Presses before; a plain date includes that whole day. */
  to?: string | undefined;
  /** The zone local dates are read in for clips of no store (default UTC). */
  noStoreZone?: string | undefined;
}

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
export async function npsReport(db: Database, filter: NpsFilter): Promise<NpsReport> {
  return (await classCounts(db, filter, false)).get(ALL) ?? emptyReport();
}

/**
 * The same report for each store with NPS clips in the filter (null: clips of no store), in one
 * query: a chain's dashboard asked once per store, five hundred requests a view.
 */
export async function npsReportsByStore(db: Database, filter: NpsFilter): Promise<Map<string | null, NpsReport>> {
  return classCounts(db, filter, true);
}

const ALL = Symbol('all stores');

async function classCounts<K extends boolean>(
  db: Database,
  filter: NpsFilter,
  byStore: K,
): Promise<Map<K extends true ? string | null : typeof ALL, NpsReport>> {
  type Key = K extends true ? string | null : typeof ALL;
  const reports = new Map<Key, NpsReport>();
  if (filter.storeIds?.length === 0) return reports;
  const stores = filter.storeId ? [filter.storeId] : filter.storeIds;
  const range =
    filter.from !== undefined || filter.to !== undefined
      ? await pressedRange(db, filter, { stores, noStoreZone: filter.noStoreZone })
      : undefined;
  // The filter's conditions on clips, for a query that reads them.
  const conditions: Expression<SqlBool>[] = [];
  if (filter.storeId !== undefined) conditions.push(sql<boolean>`clips.store_id = ${filter.storeId}`);
  if (filter.storeIds !== undefined) conditions.push(sql<boolean>`clips.store_id in (${sql.join(filter.storeIds)})`);
  if (filter.questionId !== undefined) conditions.push(sql<boolean>`clips.question_id = ${filter.questionId}`);
  if (range !== undefined) conditions.push(range);
  const onClips = <Q extends { where(condition: Expression<SqlBool>): Q }>(query: Q): Q =>
    conditions.reduce((q, condition) => q.where(condition), query);
  const selection = (eb: ExpressionBuilder<DatabaseSchema, 'answers'>) => [
    npsClassOf(eb).as('class'),
    eb.fn.countAll<number>().as('clips'),
    eb.fn.sum<number>(eb.case().when('answers.source', '=', 'human').then(1).else(0).end()).as('human'),
    eb.fn.sum<number>('answers.needs_review').as('to_review'),
  ];
  // Per store, the clips are read in the range by their own index and joined to their answers;
  // for the total, with no condition on clips, every NPS answer counts and clips are not read.
  const rows = byStore
    ? await onClips(
        db
          .selectFrom('clips')
          .innerJoin('answers', 'answers.clip_id', 'clips.id')
          .where('answers.form', '=', 'nps')
          .select((eb) => ['clips.store_id', ...selection(eb)]),
      )
        .groupBy(['clips.store_id', 'class'])
        .execute()
    : await db
        .selectFrom('answers')
        .where('answers.form', '=', 'nps')
        .$if(conditions.length > 0, (q) =>
          q.where('answers.clip_id', 'in', onClips(db.selectFrom('clips').select('clips.id'))),
        )
        .select((eb) => [sql<null>`null`.as('store_id'), ...selection(eb)])
        .groupBy('class')
        .execute();
  for (const row of rows) {
    const key = (byStore ? row.store_id : ALL) as Key;
    const report = reports.get(key) ?? emptyReport();
    reports.set(key, report);
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
  for (const report of reports.values()) {
    const { answers, promoters, detractors } = report;
    report.nps = answers === 0 ? null : Math.round(((promoters - detractors) / answers) * 1000) / 10;
  }
  return reports;
}

function emptyReport(): NpsReport {
  return { nps: null, answers: 0, promoters: 0, passives: 0, detractors: 0, unscored: 0, confirmed: 0, toReview: 0 };
}
