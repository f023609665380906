import type { Logger } from '@earshot/shared/log';
import type { Database } from '../db/database.js';
import type { BlobStore } from '../storage/blob-store.js';

export interface DestructionAct {
  id: number;
  at: string;
  reason: 'retention' | 'erasure';
  requestedBy: string | null;
  scope: Record<string, unknown>;
  clipCount: number;
  clipIds: string[];
  heldIds: string[];
}

/** How many clips one transaction destroys: big purges go in steps, each recorded. */
const BATCH = 500;

/**
 * Destroys clips for good: audio, transcript, answer and the clip row, and writes the act of
 * destruction (what, when, why, at whose request) that the law asks for. The act names clip ids
 * only, never what was said. Clips under legal hold are never destroyed; the act lists them.
 */
export class ClipDestroyer {
  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async destroy(
    clipIds: string[],
    heldIds: string[],
    act: { reason: DestructionAct['reason']; requestedBy: string | null; scope: Record<string, unknown> },
  ): Promise<DestructionAct> {
    for (let i = 0; i < clipIds.length; i += BATCH) {
      const batch = clipIds.slice(i, i + BATCH);
      const rows = await this.db.selectFrom('clips').select(['id', 'storage_key']).where('id', 'in', batch).execute();
      // Audio first: a row without audio is an error someone sees; audio without a row would be
      // personal data nobody can find any more.
      for (const row of rows) await this.blobs.delete(row.storage_key);
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('transcripts').where('clip_id', 'in', batch).execute();
        await trx.deleteFrom('answers').where('clip_id', 'in', batch).execute();
        await trx.deleteFrom('clip_notes').where('clip_id', 'in', batch).execute();
        await trx.deleteFrom('clip_follow_ups').where('clip_id', 'in', batch).execute();
        await trx.deleteFrom('clips').where('id', 'in', batch).where('legal_hold', '=', 0).execute();
      });
    }
    const at = this.now().toISOString();
    const inserted = await this.db
      .insertInto('destruction_acts')
      .values({
        at,
        reason: act.reason,
        requested_by: act.requestedBy,
        scope_json: JSON.stringify(act.scope),
        clip_count: clipIds.length,
        clip_ids_json: JSON.stringify(clipIds),
        held_ids_json: JSON.stringify(heldIds),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    this.logger.info(
      { act: inserted.id, reason: act.reason, clips: clipIds.length, held: heldIds.length },
      'clips destroyed',
    );
    return { id: Number(inserted.id), at, ...act, clipCount: clipIds.length, clipIds, heldIds };
  }

  async acts(limit: number): Promise<DestructionAct[]> {
    const rows = await this.db.selectFrom('destruction_acts').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      at: r.at,
      reason: r.reason,
      requestedBy: r.requested_by,
      scope: JSON.parse(r.scope_json) as Record<string, unknown>,
      clipCount: r.clip_count,
      clipIds: JSON.parse(r.clip_ids_json) as string[],
      heldIds: JSON.parse(r.held_ids_json) as string[],
    }));
  }
}
