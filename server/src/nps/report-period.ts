import { addDays } from '../clips/pressed-range.js';
import { isLocalTime } from '../clips/zoned-time.js';

/** How far back a report reaches when its caller names no start. */
export const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * The start of the default period: the 30 days that end with `to`. A plain date `to` is a whole
 * day, so the period is that day and the 29 before it; an instant (or now) goes back 30 × 24 h.
 */
export function defaultFrom(to: string | undefined): string {
  if (to !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(to)) return addDays(to, 1 - DEFAULT_DAYS);
  const end = to === undefined ? Date.now() : isLocalTime(to) ? Date.parse(`${to}Z`) : Date.parse(to);
  const start = new Date(end - DEFAULT_DAYS * DAY_MS);
  return to !== undefined && isLocalTime(to) ? start.toISOString().slice(0, 19) : start.toISOString();
}

/**
 * The period of the same length just before [from, to]: what "+6 on the previous 30 days"
 * compares with. Plain dates give whole days (to inclusive); instants give the same duration.
 * Undefined when the two are of different kinds, as no length can be read from them.
 */
export function previousPeriod(from: string, to: string): { from: string; to: string; days: number } | undefined {
  const dates = /^\d{4}-\d{2}-\d{2}$/;
  if (dates.test(from) && dates.test(to)) {
    const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
    return { from: addDays(from, -days), to: addDays(from, -1), days };
  }
  if (isLocalTime(from) || isLocalTime(to)) return undefined;
  const length = Date.parse(to) - Date.parse(from);
  return {
    from: new Date(Date.parse(from) - length).toISOString(),
    to: new Date(Date.parse(from)).toISOString(),
    days: Math.round((length / DAY_MS) * 10) / 10,
  };
}
