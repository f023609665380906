import { createHash } from 'node:crypto';
import type { Logger } from '@earshot/shared/log';
import type { CompiledQuery } from 'kysely';
import { type ClipAck, type ClipInit, decoders, MessageError } from '@earshot/shared/protocol';
import { parseWav, WavFormatError } from '@earshot/shared/wav';
import { pressLocalTime } from '../clips/press-local-time.js';
import type { Database } from '../db/database.js';
import { returnFreeSpace } from '../db/free-space.js';
import { stagingWrite } from '../db/staging-writes.js';
import type { ButtonMap } from '../questions/button-map.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { BlobStore } from '../storage/blob-store.js';
import { missingRanges } from './byte-coverage.js';
import { ClipCommits } from './clip-commits.js';
import type { StagingLimits } from './staging-limits.js';
import { TransferInits } from './transfer-inits.js';

export const TRANSCRIBE_QUEUE = 'transcribe';

export interface ClipIngestOptions {
  db: Database;
  blobs: BlobStore;
  queue: JobQueue;
  buttonMap: ButtonMap;
  /** Whole-clip resends asked for after a checksum mismatch before the clip is rejected. */
  maxResends: number;
  logger: Logger;
  now?: () => Date;
  onStored?: (clipId: string) => void;
  /** Announces each stored clip to the stores' own systems, in the clip's transaction. */
  webhooks?: Webhooks;
  /** Per-device bounds on unfinished transfers; absent: unbounded. */
  limits?: StagingLimits;
}

/**
 * Turns protocol messages into stored clips, independent of the transport. Everything a transfer
 * has received is staged in the database, so a server restart, or another server instance
 * handling the next message of the same clip, loses nothing. A fin checks coverage and sha256,
 * stores the audio, commits the clip row and its transcription job together, then answers.
 * The clip id is the idempotency key: a clip already stored answers "complete" at once.
 */
export class ClipIngest {
  private readonly now: () => Date;
  private readonly inits = new TransferInits();
  private readonly commits: ClipCommits;
  /**
   * The chunk insert, compiled once (parameters in the order of its `values`): building and
   * compiling it, with the pragmas around it, took about a third of a staging write's CPU.
   */
  private stageChunk: CompiledQuery | undefined;

  constructor(private readonly options: ClipIngestOptions) {
    this.now = options.now ?? (() => new Date());
    this.commits = new ClipCommits(options.db);
  }

  async init(deviceId: string, clipId: string, payload: Buffer): Promise<ClipAck | undefined> {
    const init = this.decode(() => decoders.clipInit.decode(payload), deviceId, clipId);
    if (!init) return { clipId, status: 'rejected', reason: 'malformed init' };
    if (init.clipId !== clipId) return this.reject(deviceId, clipId, 'init names another clip id than its topic');
    if (await this.storedClip(clipId)) return undefined;
    const busy = await this.options.limits?.refusal(deviceId, init);
    if (busy) {
      this.options.logger.warn(
        { deviceId, clipId, reason: busy.status === 'busy' ? busy.reason : '' },
        'init refused: busy',
      );
      return busy;
    }
    await stagingWrite(this.options.db, (db) =>
      db
        .insertInto('transfers')
        .values({
          device_id: deviceId,
          clip_id: clipId,
          init_json: JSON.stringify(init),
          resends: 0,
          created_at: this.now().toISOString(),
        })
        .onConflict((oc) => oc.columns(['device_id', 'clip_id']).doUpdateSet({ init_json: JSON.stringify(init) }))
        .execute(),
    );
    this.inits.set(deviceId, clipId, init);
    return undefined;
  }

  async chunk(deviceId: string, clipId: string, offset: number, data: Buffer): Promise<void> {
    const log = this.options.logger;
    const cached = this.inits.get(deviceId, clipId);
    const init = cached && fits(cached, offset, data) ? cached : (await this.transfer(deviceId, clipId))?.init;
    if (!init) {
      this.inits.delete(deviceId, clipId);
      log.warn({ deviceId, clipId, offset }, 'chunk for a clip without init dropped; fin will ask for it again');
      return;
    }
    if (init !== cached) this.inits.set(deviceId, clipId, init);
    if (!fits(init, offset, data)) {
      const { size, chunkSize } = init;
      log.warn(
        { deviceId, clipId, offset, length: data.length, size, chunkSize },
        'chunk outside the clip or of the wrong length dropped',
      );
      return;
    }
    const stage = (this.stageChunk ??= this.options.db
      .insertInto('transfer_chunks')
      .values({ device_id: '', clip_id: '', offset: 0, data: Buffer.alloc(0) })
      .onConflict((oc) => oc.columns(['device_id', 'clip_id', 'offset']).doNothing())
      .compile());
    await stagingWrite(this.options.db, (db) =>
      db.executeQuery({ ...stage, parameters: [deviceId, clipId, offset, data] }),
    );
  }

  async fin(deviceId: string, clipId: string, payload: Buffer): Promise<ClipAck> {
    const fin = this.decode(() => decoders.clipFin.decode(payload), deviceId, clipId);
    if (!fin) return { clipId, status: 'rejected', reason: 'malformed fin' };
    const stored = await this.storedClip(clipId);
    if (stored) {
      if (stored.device_id !== deviceId) return this.reject(deviceId, clipId, 'clip id already used by another device');
      return { clipId, status: 'complete', storageKey: stored.storage_key };
    }
    const transfer = await this.transfer(deviceId, clipId);
    if (!transfer) return { clipId, status: 'incomplete', missing: [[0, fin.size]] };
    const { init } = transfer;
    if (fin.size !== init.size || fin.sha256 !== init.sha256) {
      return this.reject(deviceId, clipId, 'fin does not match init (size or sha256)');
    }
    const db = this.options.db;
    // Read once: a fin normally finds the clip whole, and then it needs the bytes anyway.
    const chunks = await db
      .selectFrom('transfer_chunks')
      .select(['offset', 'data'])
      .where('device_id', '=', deviceId)
      .where('clip_id', '=', clipId)
      .orderBy('offset')
      .execute();
    const missing = missingRanges(
      init.size,
      chunks.map((c) => ({ offset: c.offset, length: c.data.length })),
    );
    if (missing.length > 0) return { clipId, status: 'incomplete', missing };
    const audio = Buffer.concat(
      chunks.map((c) => c.data),
      init.size,
    );
    const sha256 = createHash('sha256').update(audio).digest('hex');
    if (sha256 !== init.sha256) return this.resendAll(deviceId, clipId, init, transfer.resends);
    const problem = audioProblem(init, audio);
    if (problem) return this.reject(deviceId, clipId, problem);

    const storageKey = storageKeyOf(deviceId, init);
    await this.options.blobs.put(storageKey, audio);
    const { questionId, storeId } = await this.options.buttonMap.resolve(
      deviceId,
      init.button,
      new Date(init.pressedAt),
    );
    const receivedAt = this.now().toISOString();
    const pressedAt = new Date(init.pressedAt).toISOString();
    const committed = this.commits.commit(async (trx) => {
      await trx
        .insertInto('clips')
        .values({
          ...(await pressLocalTime(trx, storeId ?? null, pressedAt)),
          id: clipId,
          device_id: deviceId,
          button: init.button,
          question_id: questionId ?? null,
          store_id: storeId ?? null,
          pressed_at: pressedAt,
          start_at: new Date(init.startAt).toISOString(),
          end_at: new Date(init.endAt).toISOString(),
          duration_ms: init.durationMs,
          sample_rate: init.sampleRate,
          channels: init.channels,
          container: init.container,
          codec: init.codec,
          size: init.size,
          sha256: init.sha256,
          storage_key: storageKey,
          truncated: init.truncated ? 1 : 0,
          gaps_json: JSON.stringify(init.gaps),
          meta_json: JSON.stringify(init),
          status: 'received',
          received_at: receivedAt,
        })
        .execute();
      await this.options.queue.enqueue(trx, TRANSCRIBE_QUEUE, { clipId });
      await this.options.webhooks?.emit(trx, 'clip.stored', {
        clipId,
        deviceId,
        storeId: storeId ?? null,
        questionId: questionId ?? null,
        button: init.button,
        pressedAt: new Date(init.pressedAt).toISOString(),
      });
      await this.dropStaging(trx, deviceId, clipId);
    });
    try {
      await committed;
    } catch (error) {
      // Another instance stored the same clip a moment ago (a repeated fin reached it): the
      // unique clip id made the second insert fail, and the answer is the same.
      const winner = await this.storedClip(clipId);
      if (winner?.device_id !== deviceId) throw error;
      return { clipId, status: 'complete', storageKey: winner.storage_key };
    }
    this.options.logger.info({ deviceId, clipId, button: init.button, questionId, bytes: init.size }, 'clip stored');
    this.options.onStored?.(clipId);
    return { clipId, status: 'complete', storageKey };
  }

  /**
   * Drops staging of transfers begun before `cutoff` and never finished. Nothing accepted is
   * lost: the device still has the clip, and its next fin is answered "incomplete" from 0.
   */
  async expireAbandoned(cutoff: Date): Promise<number> {
    const db = this.options.db;
    const stale = await db
      .selectFrom('transfers')
      .select(['device_id', 'clip_id'])
      .where('created_at', '<', cutoff.toISOString())
      .execute();
    for (const { device_id: deviceId, clip_id: clipId } of stale) {
      await db.transaction().execute((trx) => this.dropStaging(trx, deviceId, clipId));
    }
    // Chunks staged after their transfer was gone (an instance accepted them on a cached init
    // while another stored or expired the clip) belong to nothing: nobody would read them.
    await db
      .deleteFrom('transfer_chunks')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('transfers')
              .select('transfers.clip_id')
              .whereRef('transfers.device_id', '=', 'transfer_chunks.device_id')
              .whereRef('transfers.clip_id', '=', 'transfer_chunks.clip_id'),
          ),
        ),
      )
      .execute();
    returnFreeSpace(db);
    if (stale.length > 0) {
      this.options.logger.info(
        { transfers: stale.length, cutoff: cutoff.toISOString() },
        'abandoned transfers expired',
      );
    }
    return stale.length;
  }

  private async resendAll(deviceId: string, clipId: string, init: ClipInit, resends: number): Promise<ClipAck> {
    if (resends >= this.options.maxResends) {
      return this.reject(deviceId, clipId, `sha256 mismatch after ${resends} complete resends`);
    }
    this.options.logger.warn(
      { deviceId, clipId, resends },
      'sha256 mismatch: staged chunks dropped, asking for the whole clip again',
    );
    await this.options.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('transfer_chunks').where('device_id', '=', deviceId).where('clip_id', '=', clipId).execute();
      await trx
        .updateTable('transfers')
        .set({ resends: resends + 1 })
        .where('device_id', '=', deviceId)
        .where('clip_id', '=', clipId)
        .execute();
    });
    return { clipId, status: 'incomplete', missing: [[0, init.size]] };
  }

  private async reject(deviceId: string, clipId: string, reason: string): Promise<ClipAck> {
    this.options.logger.warn({ deviceId, clipId, reason }, 'clip rejected');
    await this.options.db.transaction().execute((trx) => this.dropStaging(trx, deviceId, clipId));
    return { clipId, status: 'rejected', reason };
  }

  private async dropStaging(trx: Database, deviceId: string, clipId: string): Promise<void> {
    this.inits.delete(deviceId, clipId);
    await trx.deleteFrom('transfer_chunks').where('device_id', '=', deviceId).where('clip_id', '=', clipId).execute();
    await trx.deleteFrom('transfers').where('device_id', '=', deviceId).where('clip_id', '=', clipId).execute();
  }

  private async storedClip(clipId: string) {
    return this.options.db
      .selectFrom('clips')
      .select(['device_id', 'storage_key'])
      .where('id', '=', clipId)
      .executeTakeFirst();
  }

  private async transfer(deviceId: string, clipId: string): Promise<{ init: ClipInit; resends: number } | undefined> {
    const row = await this.options.db
      .selectFrom('transfers')
      .select(['init_json', 'resends'])
      .where('device_id', '=', deviceId)
      .where('clip_id', '=', clipId)
      .executeTakeFirst();
    return row ? { init: JSON.parse(row.init_json) as ClipInit, resends: row.resends } : undefined;
  }

  private decode<T>(decode: () => T, deviceId: string, clipId: string): T | undefined {
    try {
      return decode();
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
      this.options.logger.warn({ deviceId, clipId, problem: error.message }, 'malformed message rejected');
      return undefined;
    }
  }
}

/** Whether `data` at `offset` is one of the chunks `init` announced. */
function fits(init: ClipInit, offset: number, data: Buffer): boolean {
  const { size, chunkSize } = init;
  return offset < size && offset % chunkSize === 0 && data.length === Math.min(chunkSize, size - offset);
}

/** Deterministic: the same clip always lands on the same key, so a repeated store overwrites itself. */
export function storageKeyOf(deviceId: string, init: ClipInit): string {
  const day = new Date(init.pressedAt).toISOString().slice(0, 10).replaceAll('-', '/');
  return `clips/${deviceId}/${day}/${init.clipId}.${init.container}`;
}

function audioProblem(init: ClipInit, audio: Buffer): string | undefined {
  if (init.container !== 'wav') return undefined;
  try {
    const { format } = parseWav(audio);
    if (format.sampleRate !== init.sampleRate || format.channels !== init.channels) {
      return `audio is ${format.sampleRate} Hz ${format.channels} ch but init says ${init.sampleRate} Hz ${init.channels} ch`;
    }
  } catch (error) {
    if (error instanceof WavFormatError) return `audio is not a valid WAV: ${error.message}`;
    throw error;
  }
  return undefined;
}
