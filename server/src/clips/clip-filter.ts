import { PostgresAdapter, type SelectQueryBuilder, sql, type SqlBool, type Expression } from 'kysely';
import type { Principal } from '../access/principal.js';
import { storeScope } from '../access/principal.js';
import type { Database } from '../db/database.js';
import { searchTerms } from './transcript-match.js';
import { isLocalTime, localToUtc } from './zoned-time.js';

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
  /** Words that must all appear in the transcript (prefixes match: "recommend" finds "recommended"). */
  q?: string;
}

/**
 * Narrows a clip query (one that joins `transcripts` and `answers` to `clips`) by a filter and by
 * the caller's store scope. Conditions are built from the filter's values as bound parameters;
 * only column names are written into the SQL.
 */
export async function applyClipFilter<DB, TB extends keyof DB, O>(
  db: Database,
  query: SelectQueryBuilder<DB, TB, O>,
  filter: ClipFilter,
  principal: Principal | null,
): Promise<SelectQueryBuilder<DB, TB, O>> {
  const conditions: Expression<SqlBool>[] = [];
  const scope = principal ? storeScope(principal) : [];
  const stores = intersect(scope, filter.storeId);
  if (stores !== undefined)
    conditions.push(stores.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`clips.store_id in (${sql.join(stores)})`);
  if (filter.deviceId?.length) conditions.push(sql<boolean>`clips.device_id in (${sql.join(filter.deviceId)})`);
  if (filter.questionId?.length) conditions.push(sql<boolean>`clips.question_id in (${sql.join(filter.questionId)})`);
  if (filter.hasTranscript !== undefined) {
    conditions.push(
      filter.hasTranscript ? sql<boolean>`transcripts.clip_id is not null` : sql<boolean>`transcripts.clip_id is null`,
    );
  }
  // The NPS answer in force: a person's when given, else the machine's when sure enough.
  if (filter.npsMin !== undefined) {
    conditions.push(sql<boolean>`answers.form = 'nps' and answers.value >= ${filter.npsMin}`);
  }
  if (filter.npsMax !== undefined) {
    conditions.push(sql<boolean>`answers.form = 'nps' and answers.value <= ${filter.npsMax}`);
  }
  if (filter.truncated !== undefined) conditions.push(sql<boolean>`clips.truncated = ${filter.truncated ? 1 : 0}`);
  if (filter.hasGaps !== undefined) {
    conditions.push(filter.hasGaps ? sql<boolean>`clips.gaps_json <> '[]'` : sql<boolean>`clips.gaps_json = '[]'`);
  }
  if (filter.source) conditions.push(sql<boolean>`clips.source = ${filter.source}`);
  if (filter.from !== undefined || filter.to !== undefined) conditions.push(await timeRange(db, filter, stores));
  if (filter.q !== undefined) conditions.push(textMatch(db, filter.q));
  return conditions.reduce((q, condition) => q.where(condition), query);
}

/** The stores both the scope and the filter allow; undefined when neither limits them. */
function intersect(scope: readonly string[] | undefined, wanted: string[] | undefined): string[] | undefined {
  if (scope === undefined) return wanted?.length ? wanted : undefined;
  return wanted?.length ? wanted.filter((s) => scope.includes(s)) : [...scope];
}

/**
 * A pressed-at range. Instants compare directly. Local times are read in each store's own time
 * zone, so "2026-03-01" means that day in Tver for Tver's clips and in Vladivostok for theirs;
 * clips of no store read them as UTC.
 */
async function timeRange(db: Database, filter: ClipFilter, stores: string[] | undefined): Promise<Expression<SqlBool>> {
  const bounds = (zone: string) => ({
    from: filter.from === undefined ? undefined : instant(filter.from, zone),
    to: filter.to === undefined ? undefined : instant(endOfDay(filter.to), zone),
  });
  const between = (range: { from: string | undefined; to: string | undefined }) =>
    sql.join(
      [
        range.from === undefined ? sql`1 = 1` : sql`clips.pressed_at >= ${range.from}`,
        range.to === undefined ? sql`1 = 1` : sql`clips.pressed_at < ${range.to}`,
      ],
      sql` and `,
    );
  const local = [filter.from, filter.to].some((t) => t !== undefined && isLocalTime(t));
  if (!local) return sql<boolean>`(${between(bounds('UTC'))})`;
  let zones = db.selectFrom('stores').select(['id', 'time_zone']);
  if (stores !== undefined) zones = zones.where('id', 'in', stores.length > 0 ? stores : ['']);
  const perStore = (await zones.execute()).map(
    (store) => sql`(clips.store_id = ${store.id} and ${between(bounds(store.time_zone))})`,
  );
  perStore.push(sql`(clips.store_id is null and ${between(bounds('UTC'))})`);
  return sql<boolean>`(${sql.join(perStore, sql` or `)})`;
}

/** A plain date as the upper bound means the day after it begins; a time is its own bound. */
function endOfDay(text: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const next = new Date(`${text}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

function instant(text: string, zone: string): string {
  return (isLocalTime(text) ? localToUtc(text, zone) : new Date(text)).toISOString();
}

/** Clips whose transcript holds every term (as a word prefix), by the database's own text index. */
function textMatch(db: Database, q: string): Expression<SqlBool> {
  const terms = searchTerms(q);
  if (terms.length === 0) return sql<boolean>`1 = 0`;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const query = terms.map((t) => `${t}:*`).join(' & ');
    // An array of the matches, found once by the text index: the planner cannot turn the search
    // into a walk of every transcript (FTS first, then each clip by its key).
    return sql<boolean>`clips.id = any(array(select clip_id from transcripts
      where search @@ (to_tsquery('russian', ${query}) || to_tsquery('english', ${query}) || to_tsquery('simple', ${query}))))`;
  }
  const match = terms.map((t) => `"${t}"*`).join(' ');
  return sql<boolean>`clips.id in (select clip_id from transcripts_fts where transcripts_fts match ${match})`;
}
