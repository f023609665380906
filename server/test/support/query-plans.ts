import {
  CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PostgresAdapter,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  sql,
} from 'kysely';
import type { Database } from '../../src/db/database.js';

/** The statements a piece of code runs, as the database receives them. */
export interface RecordedQuery {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * The database as the code under test sees it, recording every statement it runs: compiled
 * exactly as Kysely compiles it for execution, parameters included.
 */
export function recordingDatabase(db: Database): { db: Database; queries: RecordedQuery[] } {
  const queries: RecordedQuery[] = [];
  const executor = db.getExecutor();
  const plugin: KyselyPlugin = {
    transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
      const compiled = executor.compileQuery(node, queryId);
      queries.push({ sql: compiled.sql, parameters: compiled.parameters });
      return node;
    },
    async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return result;
    },
  };
  return { db: db.withPlugin(plugin), queries };
}

/** The tables whose full scan grows with the number of clips. */
const BIG_TABLES = ['clips', 'transcripts'];

/** Reads of the big tables among `queries`: the ones whose plan matters. */
export function readsOfClips(queries: readonly RecordedQuery[]): RecordedQuery[] {
  const table = new RegExp(`\\b(from|join)\\s+"?(${BIG_TABLES.join('|')})"?(\\s|$)`, 'i');
  return queries.filter((q) => /^\s*select\b/i.test(q.sql) && table.test(q.sql));
}

/**
 * The full scans of clips or transcripts in the plan of `query`, described in words; empty when
 * the plan reaches them by index only. Walking an index in the order the query sorts by, to stop
 * at its LIMIT (a keyset page), is not a full scan; walking it whole is.
 *
 * PostgreSQL picks a sequential scan for any small table, so its plan is read with sequential
 * scans priced out (enable_seqscan off): one is then chosen only where no index can serve.
 */
export async function fullScans(db: Database, query: RecordedQuery): Promise<string[]> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const plan = await db.connection().execute(async (connection) => {
      await sql`set enable_seqscan = off`.execute(connection);
      try {
        const result = await connection.executeQuery<{ 'QUERY PLAN': { Plan: PgPlanNode }[] }>(
          CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
        );
        return result.rows[0]?.['QUERY PLAN'][0]?.Plan;
      } finally {
        await sql`reset enable_seqscan`.execute(connection);
      }
    });
    return plan ? postgresFullScans(plan, false) : ['no plan'];
  }
  const rows = (
    await db.executeQuery<{ id: number; parent: number; detail: string }>(
      CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
    )
  ).rows;
  // Each SELECT of the statement (the main one, each subquery) sorts or walks in order on its
  // own: a subquery walking the index to its LIMIT is a keyset page even when the main query then
  // sorts the page it picked.
  const byId = new Map(rows.map((r) => [r.id, r]));
  const selectOf = (row: { parent: number }): number => {
    let parent = byId.get(row.parent);
    while (parent && !/SUBQUERY|MATERIALIZE|CO-ROUTINE|COMPOUND/.test(parent.detail)) parent = byId.get(parent.parent);
    return parent?.id ?? 0;
  };
  const sortsAfterwards = new Set(
    rows.filter((r) => /USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(r.detail)).map(selectOf),
  );
  const ordersAndLimits = /\border by\b[\s\S]*\blimit\b/i.test(query.sql);
  return rows
    .filter((row) => {
      const scan = new RegExp(`^SCAN (${BIG_TABLES.join('|')})\\b(?!_)(.*)$`).exec(row.detail);
      if (!scan) return false;
      const keysetPage = ordersAndLimits && !sortsAfterwards.has(selectOf(row));
      return !(keysetPage && / USING (COVERING )?INDEX /.test(scan[2] ?? ''));
    })
    .map((row) => row.detail);
}

interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PgPlanNode[];
}

function postgresFullScans(node: PgPlanNode, underLimit: boolean): string[] {
  const found: string[] = [];
  const relation = node['Relation Name'];
  if (relation && BIG_TABLES.includes(relation)) {
    if (node['Node Type'] === 'Seq Scan') found.push(`Seq Scan on ${relation}`);
    // An index walked without a condition reads the whole table, unless a LIMIT stops it early.
    if (/^Index (Only )?Scan$/.test(node['Node Type']) && !node['Index Cond'] && !underLimit) {
      found.push(`${node['Node Type']} on ${relation} using ${node['Index Name']} without a condition`);
    }
  }
  // A sort between a LIMIT and the scan reads everything before it keeps a page.
  const limits = node['Node Type'] === 'Limit' || (underLimit && !/Sort|Aggregate|Hash/.test(node['Node Type']));
  for (const child of node.Plans ?? []) found.push(...postgresFullScans(child, limits));
  return found;
}
