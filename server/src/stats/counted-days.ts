import { type SelectQueryBuilder, sql } from 'kysely';
import type { Principal } from '../access/principal.js';
import { inStoreScope } from '../access/store-scope-sql.js';

/** Stores' whole local days between two plain dates (both included): what the counts answer. */
export interface CountedDays {
  from: string;
  to: string;
  storeId?: string | undefined;
}

/**
 * A read of a table of counts kept per store and local day (`clip_counts`, `device_hour_counts`)
 * narrowed to the days, the store asked for, and the stores the caller may see.
 */
export function ofCountedDays<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  table: 'clip_counts' | 'device_hour_counts',
  days: CountedDays,
  principal: Principal | null,
): SelectQueryBuilder<DB, TB, O> {
  const column = (name: 'local_day' | 'store_id') => sql.ref(`${table}.${name}`);
  const narrowed = inStoreScope(
    query
      .where(sql<boolean>`${column('local_day')} >= ${days.from}`)
      .where(sql<boolean>`${column('local_day')} <= ${days.to}`),
    principal,
    `${table}.store_id`,
  );
  return days.storeId === undefined ? narrowed : narrowed.where(sql<boolean>`${column('store_id')} = ${days.storeId}`);
}
