import { pressedRange } from '../clips/pressed-range.js';
import type { Database } from '../db/database.js';
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
  let clips = db.selectFrom('clips').select('clips.id');
  if (filter.storeId) clips = clips.where('clips.store_id', '=', filter.storeId);
  if (filter.storeIds) {
    if (filter.storeIds.length === 0) return emptyReport();
    clips = clips.where('clips.store_id', 'in', filter.storeIds);
  }
  if (filter.questionId) clips = clips.where('clips.question_id', '=', filter.questionId);
  if (filter.from !== undefined || filter.to !== undefined) {
    const stores = filter.storeId ? [filter.storeId] : filter.storeIds;
    clips = clips.where(await pressedRange(db, filter, { stores, noStoreZone: filter.noStoreZone }));
  }
  const narrowed = [filter.storeId, filter.storeIds, filter.questionId, filter.from, filter.to].some(
    (condition) => condition !== undefined,
  );
  // The clips are found by their own indexes first; with no condition on them, every NPS answer
  // counts and clips need not be read at all.
  const rows = await db
    .selectFrom('answers')
    .where('answers.form', '=', 'nps')
    .$if(narrowed, (q) => q.where('answers.clip_id', 'in', clips))
    .select((eb) => [
      npsClassOf(eb).as('class'),
      eb.fn.countAll<number>().as('clips'),
      eb.fn.sum<number>(eb.case().when('answers.source', '=', 'human').then(1).else(0).end()).as('human'),
      eb.fn.sum<number>('answers.needs_review').as('to_review'),
    ])
    .groupBy('class')
    .execute();
  const report = emptyReport();
  for (const row of rows) {
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
  const { answers, promoters, detractors } = report;
  return { ...report, nps: answers === 0 ? null : Math.round(((promoters - detractors) / answers) * 1000) / 10 };
}

function emptyReport(): NpsReport {
  return { nps: null, answers: 0, promoters: 0, passives: 0, detractors: 0, unscored: 0, confirmed: 0, toReview: 0 };
}
