import type { Logger } from '@earshot/shared/log';
import type { Clock } from '../audio/clock.js';
import type { ArduinoInput } from '../buttons/arduino/arduino-input.js';
import { headerChip, readSysfsChips, sysfsNumber } from '../buttons/gpio/gpio-chip.js';
import { Feedback, type FeedbackOutput } from './feedback.js';
import type { FeedbackConfig } from './feedback-config.js';
import { GpioLight, OwnedLight } from './light.js';

const SYSFS_GPIO = '/sys/class/gpio';

/**
 * The configured lights. One that cannot be set up is logged and left out: the buttons and the
 * recording matter more than the LED.
 */
export async function createFeedback(
  config: FeedbackConfig,
  arduinos: Map<string, ArduinoInput>,
  problems: () => string[],
  clock: Clock,
  logger: Logger,
  sysfsRoot = SYSFS_GPIO,
): Promise<Feedback> {
  const outputs: FeedbackOutput[] = [];
  for (const light of config.lights) {
    const signals = new Set(light.signals);
    if (light.type === 'arduino') {
      const arduino = arduinos.get(light.port);
      if (arduino)
        outputs.push({ name: `arduino:${light.port}:${light.pin}`, light: new OwnedLight(arduino), signals });
      continue;
    }
    try {
      const chips = await readSysfsChips(sysfsRoot);
      if (!chips || chips.length === 0) {
        throw new Error(
          `no sysfs GPIO at ${sysfsRoot}: a GPIO light needs it (CONFIG_GPIO_SYSFS, as on Raspberry Pi OS)`,
        );
      }
      const number = sysfsNumber(headerChip(chips), light.pin);
      outputs.push({ name: `gpio:${light.pin}`, light: new GpioLight(number, light.activeLow), signals });
    } catch (error) {
      logger.error({ pin: light.pin, err: error }, 'GPIO light unavailable; continuing without it');
    }
  }
  return new Feedback(outputs, {
    problems,
    graceMs: config.problemGraceSeconds * 1000,
    pollMs: 1000,
    clock,
    logger,
  });
}
