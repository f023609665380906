import type { ServerConfig } from './server-config.js';

/**
 * The configuration (and the API) speaks in seconds, minutes and hours, as people write them; the
 * components take milliseconds. Every conversion goes through here, not through numbers in the
 * wiring.
 */
export const msFromSeconds = (seconds: number): number => seconds * 1000;
export const msFromMinutes = (minutes: number): number => minutes * 60_000;
export const msFromHours = (hours: number): number => hours * 3_600_000;

/** The window an imported recording's press is cut with. */
export function importWindowMs(settings: ServerConfig['import']): { preMs: number; postMs: number } {
  return { preMs: msFromSeconds(settings.preSeconds), postMs: msFromSeconds(settings.postSeconds) };
}
