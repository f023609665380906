import { type SelectQueryBuilder, sql } from 'kysely';
import { type Principal, storeScope } from './principal.js';

/**
 * Narrows a query to the rows of `column` (a `store_id` column) the principal may see: nothing
 * when there is no principal, everything for a role that is not store-scoped.
 */
export function inStoreScope<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  principal: Principal | null,
  column: string,
): SelectQueryBuilder<DB, TB, O> {
  const scope = principal ? storeScope(principal) : [];
  if (scope === undefined) return query;
  if (scope.length === 0) return query.where(sql<boolean>`1 = 0`);
  return query.where(sql<boolean>`${sql.ref(column)} in (${sql.join(scope)})`);
}
