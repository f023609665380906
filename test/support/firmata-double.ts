import { EventEmitter } from 'node:events';

const MODES = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4 } as const;

interface PinState {
  supportedModes: number[];
  mode: number;
  value: number;
  report: number;
  analogChannel: number;
}

/**
 * A johnny-five IO plugin standing in for an Arduino with StandardFirmata: 20 digital pins, input
 * levels set by the test, output writes recorded. `unplug()` does what a pulled USB cable does to
 * Firmata's serial port: it emits "close".
 */
export class FirmataDouble extends EventEmitter {
  readonly name = 'FirmataDouble';
  readonly isReady = true;
  readonly MODES = MODES;
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly defaultLed = 13;
  readonly analogPins: number[] = [];
  readonly pins: PinState[] = Array.from({ length: 20 }, () => ({
    supportedModes: [MODES.INPUT, MODES.OUTPUT],
    mode: MODES.INPUT,
    value: 0,
    report: 1,
    analogChannel: 127,
  }));
  /** Every digitalWrite, in order. */
  readonly writes: { pin: number; value: number }[] = [];
  private readonly readers = new Map<number, (value: number) => void>();

  pinMode(pin: number, mode: number): this {
    const state = this.pins[pin];
    if (state) state.mode = mode;
    return this;
  }

  digitalWrite(pin: number, value: number): this {
    const state = this.pins[pin];
    if (state) state.value = value;
    this.writes.push({ pin, value });
    this.emit('write', pin, value);
    return this;
  }

  digitalRead(pin: number, callback: (value: number) => void): this {
    this.readers.set(pin, callback);
    return this;
  }

  /** The level on an input pin, as Firmata would report it (0: pulled to ground). */
  setInput(pin: number, value: 0 | 1): void {
    const state = this.pins[pin];
    if (state) state.value = value;
    this.readers.get(pin)?.(value);
  }

  /** Whether johnny-five has subscribed to reports of `pin`. */
  reading(pin: number): boolean {
    return this.readers.has(pin);
  }

  unplug(): void {
    this.emit('close');
  }
}
