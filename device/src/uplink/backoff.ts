/**
 * Exponential backoff with full jitter (the AWS architecture blog's "full jitter"): the n-th
 * consecutive failure waits a uniformly random time up to min(max, min * 2^n), and never less
 * than `minMs`. Many devices that lost the same broker therefore come back spread out instead of
 * all at once.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {
    if (!(minMs > 0 && maxMs >= minMs)) throw new RangeError(`backoff needs 0 < min <= max (got ${minMs}, ${maxMs})`);
  }

  /** The wait before the next attempt; each call counts one more failure. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return this.minMs + this.random() * (ceiling - this.minMs);
  }

  reset(): void {
    this.failures = 0;
  }
}
