/** What an input reports; button numbers are already logical (1..N). */
export interface InputListener {
  /** A raw level change of a button that has one (GPIO, HID key, Arduino pin). */
  edge(button: number, pressed: boolean): void;
  /** A whole press from an input that only knows presses (a serial button box). */
  press(button: number): void;
  /** The cancel gesture made on the input itself (a serial box's CANCEL line). */
  cancel(): void;
}

export interface InputHealth {
  /** Whether the hardware is there and being read right now. */
  connected: boolean;
  /** Why not, in words a technician can act on. */
  detail?: string;
}

/**
 * One source of button presses. An input keeps itself alive: a device that goes away is
 * reopened by the input, never by the daemon, and `health()` says how it is doing meanwhile.
 */
export interface ButtonInput {
  readonly name: string;
  start(listener: InputListener): Promise<void>;
  stop(): Promise<void>;
  health(): InputHealth;
}
