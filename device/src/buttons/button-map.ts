import type { DeviceConfig } from '../config/device-config.js';
import type { PageButton } from './button-page.js';
import { PAGE_TEXT } from './page-text.js';

/**
 * The device's button map, as its configuration carries it: a button answers a question when it
 * has a label. The server pushes the labels of the buttons mapped to a question (a technician's
 * config push), and a local configuration may name them too. No label at all means no map has
 * arrived yet: a new device, on which every button presses, so that it can be enrolled and
 * test-pressed before anyone maps it. Undefined then; otherwise the mapped buttons, in order.
 */
export function mappedButtons(config: DeviceConfig): number[] | undefined {
  const mapped: number[] = [];
  for (let button = 1; button <= config.clips.buttons; button++)
    if (config.clips.perButton[String(button)]?.label) mapped.push(button);
  return mapped.length > 0 ? mapped : undefined;
}

/** A press on a button the map leaves out: its audio answers no question, so it is not cut. */
export class UnmappedButtonError extends Error {
  override name = 'UnmappedButtonError';
}

/** Why a press on `button` must not be recorded under the map, or undefined when it may be. */
export function unmappedProblem(config: DeviceConfig, button: number): string | undefined {
  const mapped = mappedButtons(config);
  if (mapped === undefined || mapped.includes(button)) return undefined;
  return `button ${button} answers no question here (buttons in use: ${mapped.join(', ')}); not recorded`;
}

/** The on-screen buttons: the mapped ones with their labels, or every button, numbered, before a map. */
export function pageButtons(config: DeviceConfig): PageButton[] {
  const mapped = mappedButtons(config);
  if (mapped !== undefined) return mapped.map((button) => ({ button, label: labelOf(config, button) }));
  const text = PAGE_TEXT[config.http.language];
  return Array.from({ length: config.clips.buttons }, (_, i) => ({ button: i + 1, label: text.button(i + 1) }));
}

function labelOf(config: DeviceConfig, button: number): string {
  return config.clips.perButton[String(button)]?.label ?? '';
}
