import { LOCAL_TIME } from '../time/strict-time.js';

/**
 * Local wall-clock times of a store, turned into instants. Managers think in the store's day
 * ("yesterday in Tver"), the database keeps UTC.
 */

export function isLocalTime(text: string): boolean {
  return LOCAL_TIME.test(text);
}

/** Milliseconds that `timeZone` is ahead of UTC at the instant `utcMs`. */
export function offsetMs(utcMs: number, timeZone: string): number {
  const parts = formatterIn(timeZone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The instant at which clocks in `timeZone` read `local`, resolved as Temporal's "compatible"
 * disambiguation does: a time repeated when clocks go back is the first of the two; a time
 * skipped when they go forward is read with the offset from before the change (02:30 becomes
 * 03:30).
 */
export function localToUtc(local: string, timeZone: string): Date {
  const match = LOCAL_TIME.exec(local);
  if (!match) throw new RangeError(`not a local date or time: ${local}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  // Offsets change at most once within a day either side in every real zone.
  const before = offsetMs(wall - DAY_MS, timeZone);
  const after = offsetMs(wall + DAY_MS, timeZone);
  const valid = [wall - before, wall - after].filter((instant) => instant + offsetMs(instant, timeZone) === wall);
  return new Date(valid.length > 0 ? Math.min(...valid) : wall - before);
}

const DAY_MS = 86_400_000;

/** The local calendar day (YYYY-MM-DD) and hour (0–23) of an instant in a zone. */
export function localDayAndHour(iso: string, timeZone: string): { day: string; hour: number } {
  const parts = formatterIn(timeZone).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}

/**
 * Making a formatter costs far more than using one (about 0.25 ms), and a report or a local-day
 * range over 500 stores reads each zone hundreds of times.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterIn(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
