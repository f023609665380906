import { type Static, type TObject, type TProperties, Type } from '@sinclair/typebox';
import { keyCode } from './hid/key-codes.js';

/** Logical button numbers, as in `clips.buttons`. */
const LogicalButton = Type.Integer({ minimum: 1, maximum: 64 });

/** How raw edges become presses; every physical input has its own (a pedal bounces unlike a GPIO key). */
const GestureFields = {
  debounceMs: Type.Number({ minimum: 0, maximum: 1000, default: 30, description: 'ms a level must hold to count' }),
  minHoldMs: Type.Number({
    minimum: 0,
    maximum: 5000,
    default: 40,
    description: 'presses shorter than this many ms are ignored',
  }),
  longPressMs: Type.Number({
    minimum: 0,
    maximum: 60_000,
    default: 2000,
    description: 'ms held at least, then released: cancel the last clip instead of pressing (0: no cancel gesture)',
  }),
  stuckSeconds: Type.Number({
    minimum: 1,
    maximum: 3600,
    default: 30,
    description: 'seconds held that make a stuck button, reported and never a press (must be longer than longPressMs)',
  }),
  chatterEdges: Type.Integer({
    minimum: 4,
    maximum: 1000,
    default: 20,
    description: 'more raw edges than this within chatterWindowMs: a chattering button',
  }),
  chatterWindowMs: Type.Number({
    minimum: 100,
    maximum: 60_000,
    default: 2000,
    description: 'the window, ms, in which chatterEdges are counted',
  }),
};

/** Presses of one logical button from one input: more than this and they are dropped. */
const RateFields = {
  maxPresses: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 6,
    description: 'presses of a button allowed per perSeconds',
  }),
  perSeconds: Type.Number({ minimum: 1, maximum: 3600, default: 60, description: 'the rate limit window, seconds' }),
};

/** The keys every input with raw edges shares (gpio, arduino, hid; serial has the rate limit only). */
export const InputTimingConfig = Type.Object({ ...GestureFields, ...RateFields });

const input = <T extends TProperties>(properties: T): TObject<T> =>
  Type.Object(properties, { additionalProperties: false });

/** Keys are physical identifiers (a pin, a key code), values the logical button they press. */
const PhysicalMap = (key: string, description: string) =>
  Type.Record(Type.String({ pattern: key }), LogicalButton, {
    minProperties: 1,
    additionalProperties: false,
    description,
  });

export const GpioInputConfig = input({
  type: Type.Literal('gpio'),
  pins: PhysicalMap('^[0-9]{1,2}$', 'BCM pin number -> logical button'),
  activeLow: Type.Boolean({
    default: true,
    description: 'pressing the button connects the pin to ground (pull-up wiring)',
  }),
  sysfsRoot: Type.String({ default: '/sys/class/gpio', description: 'where to look for sysfs GPIO' }),
  ...GestureFields,
  ...RateFields,
});

export const SerialInputConfig = input({
  type: Type.Literal('serial'),
  path: Type.String({ minLength: 1, description: 'prefer /dev/serial/by-id/... (stable across replugging)' }),
  baudRate: Type.Integer({ minimum: 300, maximum: 4_000_000, default: 9600, description: 'line speed, bit/s' }),
  pattern: Type.String({
    default: '^BTN (\\d+)$',
    description: 'a line that presses: its first capture group is the box button number',
  }),
  cancelPattern: Type.String({ default: '^CANCEL$', description: 'a line that cancels the last clip' }),
  buttons: Type.Record(Type.String({ pattern: '^[0-9]{1,3}$' }), LogicalButton, {
    default: {},
    additionalProperties: false,
    description: 'box button -> logical button; unmapped numbers are used as they are',
  }),
  reopenSeconds: Type.Number({
    minimum: 0.1,
    maximum: 600,
    default: 2,
    description: 'seconds between retries while the box is unplugged',
  }),
  ...RateFields,
});

export const HidInputConfig = input({
  type: Type.Literal('hid'),
  path: Type.String({ minLength: 1, description: 'prefer /dev/input/by-id/...-event-kbd' }),
  keys: PhysicalMap('^([0-9]{1,4}|[A-Z][A-Z0-9_]*)$', 'key code or name (KEY_PAGEDOWN) -> logical button'),
  grab: Type.Boolean({ default: true, description: 'take the device exclusively so keys do not reach the console' }),
  reopenSeconds: Type.Number({
    minimum: 0.1,
    maximum: 600,
    default: 2,
    description: 'seconds between retries while it is unplugged',
  }),
  ...GestureFields,
  ...RateFields,
});

export const ArduinoInputConfig = input({
  type: Type.Literal('arduino'),
  port: Type.String({ minLength: 1, description: 'the board, e.g. /dev/serial/by-id/usb-Arduino...' }),
  pins: PhysicalMap('^[0-9]{1,2}$', 'digital pin -> logical button'),
  restartInitialSeconds: Type.Number({
    minimum: 0.1,
    maximum: 600,
    default: 1,
    description: 'first restart of the board process after a loss, seconds (doubling each time)',
  }),
  restartMaxSeconds: Type.Number({
    minimum: 0.1,
    maximum: 3600,
    default: 30,
    description: 'longest restart delay, seconds',
  }),
  ...GestureFields,
  ...RateFields,
});

export const InputConfig = Type.Union([GpioInputConfig, SerialInputConfig, HidInputConfig, ArduinoInputConfig]);

export const InputsConfig = Type.Array(InputConfig, {
  default: [],
  description:
    'physical buttons: GPIO, Arduino, USB serial, USB HID (docs/buttons.md); the HTTP press endpoint and on-screen page are always there',
});

export type InputConfig = Static<typeof InputConfig>;
export type GpioInputConfig = Static<typeof GpioInputConfig>;
export type SerialInputConfig = Static<typeof SerialInputConfig>;
export type HidInputConfig = Static<typeof HidInputConfig>;
export type ArduinoInputConfig = Static<typeof ArduinoInputConfig>;

/** Cross-checks the schema cannot express; messages name the offending key by its JSON pointer. */
export function inputProblems(inputs: InputConfig[], buttons: number): string[] {
  const problems: string[] = [];
  inputs.forEach((input, i) => {
    const at = `/inputs/${i}`;
    const logical =
      input.type === 'serial'
        ? Object.entries(input.buttons)
        : Object.entries(input.type === 'hid' ? input.keys : input.pins);
    for (const [key, button] of logical) {
      if (button > buttons) problems.push(`${at}: ${key} -> button ${button}, but clips.buttons is ${buttons}`);
    }
    if (input.type === 'serial') {
      for (const field of ['pattern', 'cancelPattern'] as const) {
        try {
          new RegExp(input[field]);
        } catch (error) {
          problems.push(`${at}/${field}: not a regular expression: ${(error as Error).message}`);
        }
      }
    }
    if (input.type === 'hid') {
      for (const key of Object.keys(input.keys)) {
        if (keyCode(key) === undefined)
          problems.push(`${at}/keys/${key}: unknown key name (give its number; evtest shows it)`);
      }
    }
    if (input.type !== 'serial' && input.longPressMs > 0 && input.longPressMs >= input.stuckSeconds * 1000) {
      problems.push(`${at}/longPressMs: must be shorter than stuckSeconds`);
    }
  });
  return problems;
}
