import type { ClipInit } from '@earshot/shared/protocol';

/**
 * The parsed init of transfers this instance has seen, so that a chunk is checked without
 * reading the transfer row. Bounded: the oldest entry goes first. An entry can outlive its row
 * (another instance completed or expired the transfer); a chunk accepted on a stale entry is
 * staged without a transfer and swept by the expiry, and a chunk that does not fit a cached
 * init is checked again against the database (a device may re-init with another chunk size).
 */
export class TransferInits {
  private readonly inits = new Map<string, ClipInit>();

  constructor(private readonly capacity = 10_000) {}

  get(deviceId: string, clipId: string): ClipInit | undefined {
    return this.inits.get(keyOf(deviceId, clipId));
  }

  set(deviceId: string, clipId: string, init: ClipInit): void {
    const key = keyOf(deviceId, clipId);
    this.inits.delete(key);
    this.inits.set(key, init);
    if (this.inits.size > this.capacity) {
      const oldest = this.inits.keys().next().value;
      if (oldest !== undefined) this.inits.delete(oldest);
    }
  }

  delete(deviceId: string, clipId: string): void {
    this.inits.delete(keyOf(deviceId, clipId));
  }
}

function keyOf(deviceId: string, clipId: string): string {
  return `${deviceId}/${clipId}`;
}
