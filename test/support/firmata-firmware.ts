/**
 * The board side of the Firmata protocol, as StandardFirmata on an Arduino Uno speaks it: enough
 * for firmata.js to finish its handshake (version, firmware name, capabilities, analog mapping),
 * report button pins and take digital writes. Bytes in through `receive`, bytes out through
 * `write`, so a test can put it behind a real serial port (a socat pty pair).
 */
export class FirmataFirmware {
  /** Input levels the board reports; 1 = pulled up (idle button). */
  private readonly levels: number[] = Array.from({ length: 20 }, () => 1);
  /** Last value written to each port by the host. */
  readonly ports: number[] = [0, 0, 0];
  private pending: number[] = [];

  constructor(private readonly write: (bytes: Buffer) => void) {}

  /** What a freshly reset board sends on its own. */
  boot(): void {
    this.write(Buffer.from([0xf9, 2, 5]));
    this.sendFirmwareName();
  }

  /** Pin `pin` at `level` (0: pressed to ground), reported as the board does: its whole port. */
  setLevel(pin: number, level: 0 | 1): void {
    this.levels[pin] = level;
    const port = pin >> 3;
    let value = 0;
    for (let i = 0; i < 8; i++) value |= (this.levels[port * 8 + i] ?? 0) << i;
    this.write(Buffer.from([0x90 | port, value & 0x7f, (value >> 7) & 0x7f]));
  }

  /** The host's last digital write to `pin`. */
  output(pin: number): number {
    return ((this.ports[pin >> 3] ?? 0) >> (pin & 7)) & 1;
  }

  receive(chunk: Buffer): void {
    this.pending.push(...chunk);
    for (;;) {
      const first = this.pending[0];
      if (first === undefined) return;
      if (first === 0xf0) {
        const end = this.pending.indexOf(0xf7);
        if (end < 0) return;
        this.sysex(this.pending.slice(1, end));
        this.pending = this.pending.slice(end + 1);
        continue;
      }
      const length = first === 0xf9 || first === 0xff ? 1 : (first & 0xf0) === 0xc0 || (first & 0xf0) === 0xd0 ? 2 : 3;
      if (this.pending.length < length) return;
      const message = this.pending.slice(0, length);
      this.pending = this.pending.slice(length);
      if (first < 0x80) continue; // out of sync: skip a byte
      if (first === 0xf9) this.write(Buffer.from([0xf9, 2, 5]));
      if ((first & 0xf0) === 0x90) this.ports[first & 0x0f] = (message[1] ?? 0) | ((message[2] ?? 0) << 7);
    }
  }

  private sysex(body: number[]): void {
    const [command] = body;
    if (command === 0x79) this.sendFirmwareName();
    if (command === 0x6b) {
      // Every pin: INPUT, OUTPUT and PULLUP, 1 bit each.
      const pins = this.levels.flatMap(() => [0x00, 1, 0x01, 1, 0x0b, 1, 0x7f]);
      this.write(Buffer.from([0xf0, 0x6c, ...pins, 0xf7]));
    }
    if (command === 0x69) this.write(Buffer.from([0xf0, 0x6a, ...this.levels.map(() => 0x7f), 0xf7]));
  }

  private sendFirmwareName(): void {
    const name = [...Buffer.from('StandardFirmata.ino')].flatMap((byte) => [byte & 0x7f, byte >> 7]);
    this.write(Buffer.from([0xf0, 0x79, 2, 5, ...name, 0xf7]));
  }
}
