import type { Logger } from '@earshot/shared/log';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { ClipDestroyer, DestructionAct } from './clip-destroyer.js';

export interface RetentionOptions {
  db: Database;
  destroyer: ClipDestroyer;
  /** Days a clip is kept when its question names no period of its own. */
  defaultDays: number;
  logger: Logger;
  now?: () => Date;
}

/**
 * Retention: a clip is destroyed once it is older than its question's retention period (or the
 * default), unless it is under legal hold. Run daily by the server; each run that finds
 * something leaves one destruction act.
 */
export class RetentionPolicy {
  private readonly now: () => Date;

  constructor(private readonly options: RetentionOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Destroys what has expired; undefined when nothing had. */
  async purge(): Promise<DestructionAct | undefined> {
    const { db, defaultDays } = this.options;
    const now = this.now();
    const questions = await db.selectFrom('questions').select(['id', 'retention_days']).execute();
    const periods = new Map<number, (string | null)[]>();
    const add = (days: number, question: string | null) => periods.set(days, [...(periods.get(days) ?? []), question]);
    add(defaultDays, null);
    for (const q of questions) add(q.retention_days ?? defaultDays, q.id);
    const expired: string[] = [];
    const held: string[] = [];
    for (const [days, questionIds] of periods) {
      const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
      const named = questionIds.filter((q): q is string => q !== null);
      const rows = await db
        .selectFrom('clips')
        .select(['id', 'legal_hold'])
        .where('pressed_at', '<', cutoff)
        .where((eb) =>
          eb.or([
            ...(named.length > 0 ? [eb('question_id', 'in', named)] : []),
            // Clips of no question, or of a question since removed, follow the default.
            ...(questionIds.includes(null)
              ? [eb('question_id', 'is', null), eb('question_id', 'not in', db.selectFrom('questions').select('id'))]
              : []),
          ]),
        )
        .execute();
      for (const row of rows) (row.legal_hold ? held : expired).push(row.id);
    }
    if (expired.length === 0) return undefined;
    return this.options.destroyer.destroy(expired, held, {
      reason: 'retention',
      requestedBy: null,
      scope: { at: now.toISOString(), defaultDays },
    });
  }

  /** A person asked to be forgotten: every clip of a store in a time window, bar legal holds. */
  async erase(request: {
    storeId: string;
    from: string;
    to: string;
    requestedBy: string;
    note?: string;
  }): Promise<DestructionAct> {
    const rows = await this.options.db
      .selectFrom('clips')
      .select(['id', 'legal_hold'])
      .where('store_id', '=', request.storeId)
      .where(sql<boolean>`pressed_at >= ${request.from} and pressed_at < ${request.to}`)
      .execute();
    return this.options.destroyer.destroy(
      rows.filter((r) => !r.legal_hold).map((r) => r.id),
      rows.filter((r) => r.legal_hold).map((r) => r.id),
      {
        reason: 'erasure',
        requestedBy: request.requestedBy,
        scope: { storeId: request.storeId, from: request.from, to: request.to, note: request.note ?? null },
      },
    );
  }
}
