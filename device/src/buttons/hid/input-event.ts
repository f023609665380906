/** struct input_event on 64-bit Linux: struct timeval (2 x 8 bytes), type u16, code u16, value s32. */
export const INPUT_EVENT_BYTES = 24;

export const EV_KEY = 1;

/** EV_KEY values. */
export const KEY_UP = 0;
export const KEY_DOWN = 1;
export const KEY_REPEAT = 2;

export interface KeyEvent {
  code: number;
  pressed: boolean;
  /** Kernel timestamp, microseconds. */
  timeUs: number;
}

/**
 * Decodes a byte stream of input_event records, whatever its chunking, into key presses and
 * releases. Everything else (EV_SYN, EV_MSC scan codes, autorepeat) is left out: a held key must
 * stay one press.
 */
export class InputEventDecoder {
  private rest = Buffer.alloc(0);

  push(chunk: Buffer): KeyEvent[] {
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const events: KeyEvent[] = [];
    let offset = 0;
    for (; offset + INPUT_EVENT_BYTES <= data.length; offset += INPUT_EVENT_BYTES) {
      const type = data.readUInt16LE(offset + 16);
      const value = data.readInt32LE(offset + 20);
      if (type !== EV_KEY || (value !== KEY_DOWN && value !== KEY_UP)) continue;
      events.push({
        code: data.readUInt16LE(offset + 18),
        pressed: value === KEY_DOWN,
        timeUs: Number(data.readBigInt64LE(offset)) * 1_000_000 + Number(data.readBigInt64LE(offset + 8)),
      });
    }
    this.rest = Buffer.from(data.subarray(offset));
    return events;
  }
}

/** Encodes one record, as the kernel would: what tests and tools record streams with. */
export function encodeInputEvent(type: number, code: number, value: number, timeUs = 0): Buffer {
  const record = Buffer.alloc(INPUT_EVENT_BYTES);
  record.writeBigInt64LE(BigInt(Math.floor(timeUs / 1_000_000)), 0);
  record.writeBigInt64LE(BigInt(timeUs % 1_000_000), 8);
  record.writeUInt16LE(type, 16);
  record.writeUInt16LE(code, 18);
  record.writeInt32LE(value, 20);
  return record;
}
