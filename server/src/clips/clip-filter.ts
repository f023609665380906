import { PostgresAdapter, type SelectQueryBuilder, sql, type SqlBool, type Expression } from 'kysely';
import type { Principal } from '../access/principal.js';
import { storeScope } from '../access/principal.js';
import type { Database } from '../db/database.js';
import { type PressedSpan, pressedRangeAndSpan } from './pressed-range.js';
import { keyRange, postgresWordsMatch, textIndexQuery } from './text-search.js';

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
 * clips in time order (left joins kept left); `walk: 'search'` for one that walks SQLite's text
 * index (`transcripts_fts`, joined to the clips) by its key, and keeps to its matches.
 */
export async function applyClipFilter<DB, TB extends keyof DB, O>(
  db: Database,
  query: SelectQueryBuilder<DB, TB, O>,
  filter: ClipFilter,
  principal: Principal | null,
  { walk = 'any' }: { walk?: 'time' | 'search' | 'any' } = {},
): Promise<SelectQueryBuilder<DB, TB, O>> {
  const conditions: Expression<SqlBool>[] = [];
  const scope = principal ? storeScope(principal) : [];
  const stores = intersect(scope, filter.storeId);
  if (stores !== undefined)
    conditions.push(stores.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`clips.store_id in (${sql.join(stores)})`);
  if (filter.deviceId?.length) conditions.push(sql<boolean>`clips.device_id in (${sql.join(filter.deviceId)})`);
  if (filter.questionId?.length) conditions.push(sql<boolean>`clips.question_id in (${sql.join(filter.questionId)})`);
  // A query walked in time order must stay on the index it walks. SQLite reads
  // `answers.value >= 3` as proof that every row has an answer, turns the left join inner, starts
  // from the answers (the smaller table) and sorts every match by time for one page: 850 ms at
  // 1,000,000 clips. Through ifnull() it cannot draw that conclusion, keeps the answers the inner
  // side and stops at the page's end. The rows are the same: a clip without an answer fails both.
  const keepLeft = walk !== 'any' && !(db.getExecutor().adapter instanceof PostgresAdapter);
  // `transcripts.clip_id is not null` made SQLite build a Bloom filter of every transcript
  // before the page's first row (67 ms at 1,000,000 clips, where the page takes 0.03).
  const transcribed = keepLeft
    ? sql<boolean>`ifnull(transcripts.clip_id, '') <> ''`
    : sql<boolean>`transcripts.clip_id is not null`;
  // Clips without one are walked in migration 0027's index of clips not marked transcribed: a
  // clip marked so has its transcript, and the condition is written as the index's, literally.
  if (filter.hasTranscript !== undefined) {
    conditions.push(
      filter.hasTranscript ? transcribed : sql<boolean>`clips.status <> 'transcribed' and transcripts.clip_id is null`,
    );
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
  let span: PressedSpan = {};
  if (filter.from !== undefined || filter.to !== undefined) {
    const range = await pressedRangeAndSpan(db, filter, { stores });
    conditions.push(range.condition);
    span = range.span;
  }
  if (filter.q !== undefined) {
    conditions.push(...textMatch(db, filter.q, span, walk === 'search' ? 'walked' : 'index-first'));
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
 * Whether the filter asks for words alone, of a caller who sees every store: every transcript
 * that holds them is then in the list.
 */
export function asksWordsAlone(filter: ClipFilter, principal: Principal | null): boolean {
  const { q, ...others } = filter;
  const narrowed = Object.values(others).some(
    (value) => value !== undefined && !(Array.isArray(value) && value.length === 0),
  );
  return q !== undefined && !narrowed && (principal === null || storeScope(principal) === undefined);
}

/**
 * Whether the filter, or the caller's scope, keeps to a few stores or to devices. Their clips are
 * then best reached by the clips' own indexes: a list by score sorts them, where the chain-wide
 * value index would pass over every other store's answers first.
 */
export function narrowsToFewStores(filter: ClipFilter, principal: Principal | null): boolean {
  const stores = storesOfList(filter, principal);
  return Boolean(filter.deviceId?.length) || (stores !== undefined && stores.length <= FEW_STORES);
}

/**
 * Clips whose transcript holds every term (as a word prefix), by the database's own text index,
 * kept to the matches pressed within `span` (the filter's time range in every zone; the exact
 * condition on the clips applies too). `index-first` finds those matches first, then their clips.
 * A query that walks SQLite's text index itself (`walked`) is narrowed to its matches instead.
 */
function textMatch(db: Database, q: string, span: PressedSpan, how: 'index-first' | 'walked'): Expression<SqlBool>[] {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const words = postgresWordsMatch(q);
    if (words === undefined) return [sql<boolean>`1 = 0`];
    // The transcript's copy of its clip's press time (migration 0023) drops the matches outside
    // the range as the text index's rows are read, before any clip is looked up (a common word
    // on one day, at 1,000,000 clips: 30 to 45 ms, where looking up the clips of all 12,500
    // matches took 0.6 to 1.3 s).
    const matches = [
      words,
      ...(span.from === undefined ? [] : [sql`transcripts.pressed_at >= ${span.from}`]),
      ...(span.to === undefined ? [] : [sql`transcripts.pressed_at < ${span.to}`]),
    ];
    // An array of the matches, found once by the text index: the planner cannot turn the search
    // into a walk of every transcript (FTS first, then each clip by its key). Asked about each
    // clip instead (`search @@ …` on the joined transcript), PostgreSQL merge-joined the whole
    // transcripts table on a small corpus, a plan the plan test refuses.
    return [
      sql<boolean>`clips.id = any(array(select clip_id from transcripts where ${sql.join(matches, sql` and `)}))`,
    ];
  }
  const query = textIndexQuery(q);
  if (query === undefined) return [sql<boolean>`1 = 0`];
  const matches = [sql<boolean>`transcripts_fts match ${query}`, ...keyRange(span)];
  if (how === 'walked') return matches;
  return [sql<boolean>`clips.id in (select clip_id from transcripts_fts where ${sql.join(matches, sql` and `)})`];
}
