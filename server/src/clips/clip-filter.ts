import { PostgresAdapter, type SelectQueryBuilder, sql, type SqlBool, type Expression } from 'kysely';
import type { Principal } from '../access/principal.js';
import { storeScope } from '../access/principal.js';
import type { Database } from '../db/database.js';
import { searchTerms } from './transcript-match.js';
import { pressedRange } from './pressed-range.js';

/** What managers narrow the clip list by. Every field is optional; all given must hold. */
export interface ClipFilter {
  storeId?: string[];
  deviceId?: string[];
  questionId?: string[];
  /** Pressed at or after: an instant with offset, or a store-local date/time (each store's own zone). */
  from?: string;
  /**
   * Pressed before; same forms as `from`. A plain date names the whole day, inclusive: `to`
   * 2026-11-28 ends where 2026-11-29 begins, so from 11/28 to 11/28 is that one day.
   */
  to?: string;
  hasTranscript?: boolean;
  npsMin?: number;
  npsMax?: number;
  truncated?: boolean;
  hasGaps?: boolean;
  source?: string;
  /** true: only clips flagged for follow-up; false: only clips not flagged. */
  followUp?: boolean;
  /** Words that must all appear in the transcript (prefixes match: "recommend" finds "recommended"). */
  q?: string;
}

/**
 * Narrows a clip query (one that joins `transcripts` and `answers` to `clips`) by a filter and by
 * the caller's store scope. Conditions are built from the filter's values as bound parameters;
 * only column names are written into the SQL. `walk: 'time'` for a query that must walk the
 * clips in time order (left joins kept left).
 */
export async function applyClipFilter<DB, TB extends keyof DB, O>(
  db: Database,
  query: SelectQueryBuilder<DB, TB, O>,
  filter: ClipFilter,
  principal: Principal | null,
  { walk = 'any' }: { walk?: 'time' | 'any' } = {},
): Promise<SelectQueryBuilder<DB, TB, O>> {
  const conditions: Expression<SqlBool>[] = [];
  const scope = principal ? storeScope(principal) : [];
  const stores = intersect(scope, filter.storeId);
  if (stores !== undefined)
    conditions.push(stores.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`clips.store_id in (${sql.join(stores)})`);
  if (filter.deviceId?.length) conditions.push(sql<boolean>`clips.device_id in (${sql.join(filter.deviceId)})`);
  if (filter.questionId?.length) conditions.push(sql<boolean>`clips.question_id in (${sql.join(filter.questionId)})`);
  // A query walked in time order (`walk: 'time'`) must stay on the clips' time index. SQLite reads
  // `answers.value >= 3` as proof that every row has an answer, turns the left join inner, starts
  // from the answers (the smaller table) and sorts every match by time for one page: 850 ms at
  // 1,000,000 clips. Through ifnull() it cannot draw that conclusion, keeps the answers the inner
  // side and stops at the page's end. The rows are the same: a clip without an answer fails both.
  const keepLeft = walk === 'time' && !(db.getExecutor().adapter instanceof PostgresAdapter);
  // `transcripts.clip_id is not null` made SQLite build a Bloom filter of every transcript
  // before the page's first row (67 ms at 1,000,000 clips, where the page takes 0.03).
  const transcribed = keepLeft
    ? sql<boolean>`ifnull(transcripts.clip_id, '') <> ''`
    : sql<boolean>`transcripts.clip_id is not null`;
  if (filter.hasTranscript !== undefined) {
    conditions.push(filter.hasTranscript ? transcribed : sql<boolean>`transcripts.clip_id is null`);
  }
  // The NPS answer in force: a person's when given, else the machine's when sure enough.
  const form = keepLeft ? sql`ifnull(answers.form, '')` : sql`answers.form`;
  const value = keepLeft ? sql`ifnull(answers.value, -1)` : sql`answers.value`;
  if (filter.npsMin !== undefined) {
    conditions.push(sql<boolean>`${form} = 'nps' and ${value} >= ${filter.npsMin}`);
  }
  if (filter.npsMax !== undefined) {
    conditions.push(sql<boolean>`${form} = 'nps' and ${value} <= ${filter.npsMax}`);
  }
  // The rare side of each flag is written as migration 0019's partial indexes are, literally, so
  // that both databases walk those indexes in time order (see there).
  if (filter.truncated !== undefined) {
    conditions.push(filter.truncated ? sql<boolean>`clips.truncated = 1` : sql<boolean>`clips.truncated = 0`);
  }
  if (filter.hasGaps !== undefined) {
    conditions.push(filter.hasGaps ? sql<boolean>`clips.gaps_json <> '[]'` : sql<boolean>`clips.gaps_json = '[]'`);
  }
  if (filter.source) {
    conditions.push(
      filter.source === 'import'
        ? sql<boolean>`clips.source = 'import'`
        : sql<boolean>`clips.source = ${filter.source}`,
    );
  }
  if (filter.followUp !== undefined) {
    conditions.push(
      sql<boolean>`clips.id ${filter.followUp ? sql`in` : sql`not in`} (select clip_id from clip_follow_ups)`,
    );
  }
  if (filter.from !== undefined || filter.to !== undefined) conditions.push(await pressedRange(db, filter, { stores }));
  if (filter.q !== undefined) {
    const eachClip = walk === 'time' && narrowsToFewStores(filter, principal);
    conditions.push(textMatch(db, filter.q, eachClip ? { eachClipOf: transcribed } : 'index-first'));
  }
  return conditions.reduce((q, condition) => q.where(condition), query);
}

/** The stores both the scope and the filter allow; undefined when neither limits them. */
function intersect(scope: readonly string[] | undefined, wanted: string[] | undefined): string[] | undefined {
  if (scope === undefined) return wanted?.length ? wanted : undefined;
  return wanted?.length ? wanted.filter((s) => scope.includes(s)) : [...scope];
}

/** The stores a list keeps to, the filter's within the caller's scope; undefined: every store. */
function storesOfList(filter: ClipFilter, principal: Principal | null): string[] | undefined {
  return intersect(principal ? storeScope(principal) : undefined, filter.storeId);
}

/** Up to this many stores, their clips are fewer than what a chain-wide index finds for them. */
const FEW_STORES = 10;

/**
 * The few stores (one to ten) a list keeps to, the filter's within the caller's scope; undefined
 * for none, many, or every store. Their clips are merged from each store's own index.
 */
export function fewStoresOfList(filter: ClipFilter, principal: Principal | null): string[] | undefined {
  const stores = storesOfList(filter, principal);
  return stores !== undefined && stores.length >= 1 && stores.length <= FEW_STORES ? stores : undefined;
}

/**
 * Whether the filter, or the caller's scope, keeps to a few stores or to devices. Their clips are
 * then best reached by the clips' own indexes: a search looks in each of their transcripts, a
 * list by score sorts them, where the chain-wide text or value index would pass over every other
 * store's matches first.
 */
export function narrowsToFewStores(filter: ClipFilter, principal: Principal | null): boolean {
  const stores = storesOfList(filter, principal);
  return Boolean(filter.deviceId?.length) || (stores !== undefined && stores.length <= FEW_STORES);
}

/**
 * Clips whose transcript holds every term (as a word prefix), by the database's own text index:
 * `index-first` finds every match and then the clips (a chain-wide search), `eachClipOf` (SQLite,
 * with the condition that a clip has a transcript) asks the index about each clip the other
 * conditions reach, walked in time order (a store's
 * clips: 7 ms where the chain's 12,500 matches of a common word took 116 ms at 1,000,000 clips).
 */
function textMatch(
  db: Database,
  q: string,
  how: 'index-first' | { eachClipOf: Expression<SqlBool> },
): Expression<SqlBool> {
  const terms = searchTerms(q);
  if (terms.length === 0) return sql<boolean>`1 = 0`;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // Index first even within a few stores: asked about each clip (`search @@ …` on the joined
    // transcript), PostgreSQL merge-joined the whole transcripts table on a small corpus, a plan
    // the plan test refuses.
    const query = terms.map((t) => `${t}:*`).join(' & ');
    // An array of the matches, found once by the text index: the planner cannot turn the search
    // into a walk of every transcript (FTS first, then each clip by its key).
    return sql<boolean>`clips.id = any(array(select clip_id from transcripts
      where search @@ (to_tsquery('russian', ${query}) || to_tsquery('english', ${query}) || to_tsquery('simple', ${query}))))`;
  }
  const match = terms.map((t) => `"${t}"*`).join(' ');
  if (how !== 'index-first') {
    // The text index's rows are the transcripts' (migration triggers): a match on one rowid is a
    // seek in the word's list, not a walk of it.
    // A clip without a transcript has no rowid to seek, and FTS5 reads `rowid = null` as no
    // constraint at all: every match would do. Hence the clip's transcript first, written as the
    // `hasTranscript` filter writes it.
    return sql<boolean>`${how.eachClipOf} and exists (select 1 from transcripts_fts where transcripts_fts match ${match} and transcripts_fts.rowid = transcripts.rowid)`;
  }
  return sql<boolean>`clips.id in (select clip_id from transcripts_fts where transcripts_fts match ${match})`;
}
