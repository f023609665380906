import { type Expression, type SqlBool, sql } from 'kysely';
import { pressedRange } from '../clips/pressed-range.js';
import type { Database } from '../db/database.js';

/** What an NPS report narrows its clips by. */
export interface NpsClipFilter {
  storeId?: string | undefined;
  /** Only these stores (a manager's); undefined: every store. */
  storeIds?: readonly string[] | undefined;
  questionId?: string | undefined;
  /** Presses at or after: an instant, or a local date or time (clips/pressed-range.ts). */
  from?: string | undefined;
  /** Presses before; a plain date includes that whole day. */
  to?: string | undefined;
  /** The zone local dates are read in for clips of no store (default UTC). */
  noStoreZone?: string | undefined;
}

/**
 * The filter's conditions on `clips`, for any query that reads them (the report, the series, per
 * store or not); undefined when the filter allows no store at all (a manager of none).
 */
export async function npsClipConditions(
  db: Database,
  filter: NpsClipFilter,
): Promise<Expression<SqlBool>[] | undefined> {
  if (filter.storeIds?.length === 0) return undefined;
  const conditions: Expression<SqlBool>[] = [];
  if (filter.storeId !== undefined) conditions.push(sql<boolean>`clips.store_id = ${filter.storeId}`);
  if (filter.storeIds !== undefined)
    conditions.push(sql<boolean>`clips.store_id in (${sql.join([...filter.storeIds])})`);
  if (filter.questionId !== undefined) conditions.push(sql<boolean>`clips.question_id = ${filter.questionId}`);
  if (filter.from !== undefined || filter.to !== undefined) {
    const stores = filter.storeId ? [filter.storeId] : filter.storeIds;
    conditions.push(await pressedRange(db, filter, { stores, noStoreZone: filter.noStoreZone }));
  }
  return conditions;
}

/** A query narrowed by every condition. */
export function narrowed<Q extends { where(condition: Expression<SqlBool>): Q }>(
  query: Q,
  conditions: readonly Expression<SqlBool>[],
): Q {
  return conditions.reduce((q, condition) => q.where(condition), query);
}
