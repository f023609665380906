import type { ClipInit } from '@earshot/shared/protocol';
import { LRUCache } from 'lru-cache';

/**
 * The parsed init of transfers this instance has seen, so that a chunk is checked without
 * reading the transfer row. Bounded: the least recently used entry goes first. An entry can outlive its row
 * (another instance completed or expired the transfer); a chunk accepted on a stale entry is
 * staged without a transfer and swept by the expiry, and a chunk that does not fit a cached
 * init is checked again against the database (a device may re-init with another chunk size).
 */
export class TransferInits {
  private readonly inits: LRUCache<string, ClipInit>;

  constructor(capacity = 10_000) {
    this.inits = new LRUCache({ max: capacity });
  }

  get(deviceId: string, clipId: string): ClipInit | undefined {
    return this.inits.get(keyOf(deviceId, clipId));
  }

  set(deviceId: string, clipId: string, init: ClipInit): void {
    this.inits.set(keyOf(deviceId, clipId), init);
  }

  delete(deviceId: string, clipId: string): void {
    this.inits.delete(keyOf(deviceId, clipId));
  }
}

function keyOf(deviceId: string, clipId: string): string {
  return `${deviceId}/${clipId}`;
}
