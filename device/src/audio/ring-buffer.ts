/**
 * The rolling audio memory: one buffer allocated at start, written in a circle, addressed by
 * absolute frame number (frames ever written), so that a window computed from a press stays
 * meaningful while the buffer keeps turning. Steady-state writes allocate nothing.
 */
export class RingBuffer {
  private readonly storage: Buffer;
  private readonly capacityBytes: number;
  /** Bytes of a frame that arrived split across two writes. */
  private readonly carry: Buffer;
  private carryBytes = 0;
  private framesWritten = 0;
  /** Byte offset of frame `framesWritten` in `storage`, kept to spare a modulo per write. */
  private writeAt = 0;

  constructor(
    readonly capacityFrames: number,
    readonly frameBytes: number,
  ) {
    if (!Number.isInteger(capacityFrames) || capacityFrames <= 0)
      throw new RangeError('capacity must be a positive integer');
    this.capacityBytes = capacityFrames * frameBytes;
    this.storage = Buffer.alloc(this.capacityBytes);
    this.carry = Buffer.alloc(frameBytes);
  }

  /** Absolute number of the next frame to be written (= frames written so far). */
  get endFrame(): number {
    return this.framesWritten;
  }

  /** Oldest frame still held. */
  get startFrame(): number {
    return Math.max(0, this.framesWritten - this.capacityFrames);
  }

  /** Appends PCM bytes; a trailing partial frame is held back until the rest arrives. */
  write(bytes: Buffer): void {
    let from = 0;
    const length = bytes.length;
    if (this.carryBytes > 0) {
      from = Math.min(this.frameBytes - this.carryBytes, length);
      bytes.copy(this.carry, this.carryBytes, 0, from);
      this.carryBytes += from;
      if (this.carryBytes < this.frameBytes) return;
      this.writeRange(this.carry, 0, this.frameBytes);
      this.carryBytes = 0;
    }
    const whole = length - ((length - from) % this.frameBytes);
    if (whole > from) this.writeRange(bytes, from, whole);
    if (whole < length) {
      bytes.copy(this.carry, 0, whole, length);
      this.carryBytes = length - whole;
    }
  }

  /** Writes `frames` frames of digital silence: stands in for audio that was never captured. */
  writeSilence(frames: number): void {
    let left = Math.min(frames, this.capacityFrames);
    // Frames beyond one full turn would only overwrite each other.
    this.framesWritten += frames - left;
    while (left > 0) {
      const at = (this.framesWritten % this.capacityFrames) * this.frameBytes;
      const n = Math.min(left, this.capacityFrames - (this.framesWritten % this.capacityFrames));
      this.storage.fill(0, at, at + n * this.frameBytes);
      this.framesWritten += n;
      left -= n;
    }
    this.writeAt = (this.framesWritten % this.capacityFrames) * this.frameBytes;
  }

  /**
   * Copies frames [start, end) into `target` at `targetOffset` (bytes). The frames must still be
   * held: asking for overwritten or future audio is a programming error, not a partial result.
   */
  copyOut(start: number, end: number, target: Buffer, targetOffset = 0): void {
    if (start < this.startFrame || end > this.framesWritten || start > end) {
      throw new RangeError(
        `frames [${start}, ${end}) not held; buffer holds [${this.startFrame}, ${this.framesWritten})`,
      );
    }
    let out = targetOffset;
    let frame = start;
    while (frame < end) {
      const at = frame % this.capacityFrames;
      const n = Math.min(end - frame, this.capacityFrames - at);
      this.storage.copy(target, out, at * this.frameBytes, (at + n) * this.frameBytes);
      out += n * this.frameBytes;
      frame += n;
    }
  }

  /**
   * Copies whole frames `source[from, to)` in. Works on offsets rather than `subarray` views: this
   * runs for every chunk the recorder delivers, and a view is an allocation.
   */
  private writeRange(source: Buffer, from: number, to: number): void {
    let start = from;
    // Only the last turn's worth of a huge write survives; skip the rest.
    if (to - start > this.capacityBytes) {
      const skipped = to - start - this.capacityBytes;
      this.framesWritten += skipped / this.frameBytes;
      this.writeAt = (this.writeAt + skipped) % this.capacityBytes;
      start += skipped;
    }
    const length = to - start;
    const room = this.capacityBytes - this.writeAt;
    if (length < room) {
      source.copy(this.storage, this.writeAt, start, to);
      this.writeAt += length;
    } else {
      source.copy(this.storage, this.writeAt, start, start + room);
      if (length > room) source.copy(this.storage, 0, start + room, to);
      this.writeAt = length - room;
    }
    this.framesWritten += length / this.frameBytes;
  }
}
