import { type Expression, type RawBuilder, sql, type SqlBool } from 'kysely';
import type { PressedSpan } from './pressed-range.js';
import { searchTerms } from './transcript-match.js';

/**
 * SQLite's text index is keyed by press time (migration 0022): a match's key is its clip's press
 * time in milliseconds shifted left by these bits, plus a count of earlier transcripts of clips
 * pressed in the same millisecond. The index walks its matches by key from either end, so a
 * search in time order reads its page's matches and stops.
 */
export const SEARCH_KEY_BITS = 20;

/**
 * PostgreSQL: that a transcript holds every term as a word prefix, read by its GIN index over
 * the Russian, English and plain forms of its words; undefined when the words hold no term.
 */
export function postgresWordsMatch(q: string): Expression<SqlBool> | undefined {
  const terms = searchTerms(q);
  if (terms.length === 0) return undefined;
  const query = terms.map((t) => `${t}:*`).join(' & ');
  return sql<boolean>`search @@ (to_tsquery('russian', ${query}) || to_tsquery('english', ${query}) || to_tsquery('simple', ${query}))`;
}

/** An FTS5 query for every term, each as a word prefix; undefined when the words hold no term. */
export function textIndexQuery(q: string): string | undefined {
  const terms = searchTerms(q);
  return terms.length === 0 ? undefined : terms.map((t) => `"${t}"*`).join(' ');
}

/** The first key of an instant's millisecond (an ISO 8601 time). */
function firstKeyOf(iso: string): RawBuilder<number> {
  return sql<number>`(${Date.parse(iso)} << ${sql.lit(SEARCH_KEY_BITS)})`;
}

/**
 * Bounds on the text index's key that hold every match pressed at or after `from` and before
 * `to`: the index then reads only that stretch of a word's matches. Each bound is a millisecond
 * wider than the instant, as SQLite works out a key's milliseconds from the stored time through
 * floating-point seconds; the exact condition on the clip's press time still applies.
 */
export function keyRange({ from, to }: PressedSpan): Expression<SqlBool>[] {
  const ms = (iso: string, shift: number) => new Date(Date.parse(iso) + shift).toISOString();
  return [
    ...(from === undefined ? [] : [sql<boolean>`transcripts_fts.rowid >= ${firstKeyOf(ms(from, -1))}`]),
    ...(to === undefined ? [] : [sql<boolean>`transcripts_fts.rowid < ${firstKeyOf(ms(to, 1))}`]),
  ];
}

/**
 * Given the keys of a walk's matches (a query selecting `key`), a condition that holds every match
 * up to the walk's last millisecond, whole. The walk stops after `limit` matches in key order,
 * which puts clips pressed in one millisecond in the order they were transcribed; the list puts
 * them in id order. Read whole, that millisecond's matches sort into the page as the list's
 * order has them.
 */
export function throughLastMillisecond(walk: Expression<unknown>, direction: 'asc' | 'desc'): Expression<SqlBool> {
  const bits = sql.lit(SEARCH_KEY_BITS);
  return direction === 'desc'
    ? sql<boolean>`transcripts_fts.rowid >= (((select min(key) from (${walk})) >> ${bits}) << ${bits})`
    : sql<boolean>`transcripts_fts.rowid < ((((select max(key) from (${walk})) >> ${bits}) + 1) << ${bits})`;
}
