import type { Logger } from '@earshot/shared/log';
import type { FeedbackConfig } from '../feedback/feedback-config.js';
import { ArduinoInput } from './arduino/arduino-input.js';
import type { ButtonInput } from './button-input.js';
import type { GestureOptions } from './gesture.js';
import { GpioInput } from './gpio/gpio-input.js';
import { keyCode } from './hid/key-codes.js';
import { HidInput } from './hid/hid-input.js';
import type { HubInput } from './input-hub.js';
import type { InputConfig } from './input-config.js';
import { SerialInput } from './serial/serial-input.js';

/** A Firmata board answers within a couple of seconds of its port opening (after its reset). */
const ARDUINO_READY_TIMEOUT_MS = 15_000;

const numbered = (record: Record<string, number>, key: (k: string) => number | undefined = Number) =>
  new Map(Object.entries(record).map(([k, button]) => [key(k) ?? -1, button]));

function gestureOf(config: Exclude<InputConfig, { type: 'serial' }>): GestureOptions {
  return {
    debounceMs: config.debounceMs,
    minHoldMs: config.minHoldMs,
    longPressMs: config.longPressMs,
    stuckMs: config.stuckSeconds * 1000,
    chatterEdges: config.chatterEdges,
    chatterWindowMs: config.chatterWindowMs,
  };
}

/** The configured inputs, ready for the hub; Arduino inputs also by port, for their LEDs. */
export function createInputs(
  inputs: InputConfig[],
  buttons: number,
  feedback: FeedbackConfig,
  logger: Logger,
): { hubInputs: HubInput[]; arduinos: Map<string, ArduinoInput> } {
  const arduinos = new Map<string, ArduinoInput>();
  const hubInputs = inputs.map((config): HubInput => {
    const rate = { maxPresses: config.maxPresses, perMs: config.perSeconds * 1000 };
    const log = logger.child({ input: config.type });
    let input: ButtonInput;
    switch (config.type) {
      case 'gpio':
        input = new GpioInput({
          pins: numbered(config.pins),
          activeLow: config.activeLow,
          sysfsRoot: config.sysfsRoot,
          logger: log,
        });
        break;
      case 'serial':
        return {
          input: new SerialInput({
            path: config.path,
            baudRate: config.baudRate,
            pattern: new RegExp(config.pattern),
            cancelPattern: new RegExp(config.cancelPattern),
            buttons: numbered(config.buttons),
            maxButton: buttons,
            reopenMs: config.reopenSeconds * 1000,
            logger: log,
          }),
          rate,
        };
      case 'hid':
        input = new HidInput({
          path: config.path,
          keys: numbered(config.keys, keyCode),
          grab: config.grab,
          reopenMs: config.reopenSeconds * 1000,
          logger: log,
        });
        break;
      case 'arduino': {
        const light = feedback.lights.find((l) => l.type === 'arduino' && l.port === config.port);
        const arduino = new ArduinoInput({
          port: config.port,
          pins: numbered(config.pins),
          ledPin: light?.pin,
          readyTimeoutMs: ARDUINO_READY_TIMEOUT_MS,
          restartInitialMs: config.restartInitialSeconds * 1000,
          restartMaxMs: config.restartMaxSeconds * 1000,
          logger: log,
        });
        arduinos.set(config.port, arduino);
        input = arduino;
        break;
      }
    }
    return { input, gesture: gestureOf(config), rate };
  });
  return { hubInputs, arduinos };
}
