import type { ClipAck, ClipInit } from '@earshot/shared/protocol';
import type { Database } from '../db/database.js';

export interface StagingLimitsOptions {
  /** Unfinished transfers one device may have staged. */
  maxOpenTransfers: number;
  /** Bytes one device's unfinished transfers may announce in total. */
  maxStagedBytes: number;
  /** What a refused device is told to wait before it tries again. */
  retryAfterSeconds: number;
}

/**
 * Bounds what one device can make the server stage: a review saw 3,000 never-finished inits in
 * 3 s, then 49 MB of chunks, all kept for a day. A chunk is staged only inside a transfer's
 * announced size, so bounding the announced sizes of a device's open transfers bounds its staged
 * bytes. A new transfer over either limit is answered "busy" (the device keeps the clip and backs
 * off); a transfer already open is never refused, so a device always finishes what it began.
 */
export class StagingLimits {
  constructor(
    private readonly db: Database,
    private readonly options: StagingLimitsOptions,
  ) {}

  /** Undefined when `init` may be staged; else the answer that refuses it for now. */
  async refusal(deviceId: string, init: ClipInit): Promise<ClipAck | undefined> {
    const open = await this.db
      .selectFrom('transfers')
      .select(['clip_id', 'init_json'])
      .where('device_id', '=', deviceId)
      .execute();
    if (open.some((t) => t.clip_id === init.clipId)) return undefined;
    const { maxOpenTransfers, maxStagedBytes, retryAfterSeconds } = this.options;
    const announced = open.reduce((sum, t) => sum + (JSON.parse(t.init_json) as ClipInit).size, 0);
    let reason: string | undefined;
    if (open.length >= maxOpenTransfers) {
      reason = `too many unfinished transfers (${open.length} of at most ${maxOpenTransfers}): finish or wait for them`;
    } else if (announced + init.size > maxStagedBytes) {
      reason = `unfinished transfers would hold ${announced + init.size} bytes, more than the ${maxStagedBytes} allowed`;
    }
    return reason === undefined ? undefined : { clipId: init.clipId, status: 'busy', reason, retryAfterSeconds };
  }
}
