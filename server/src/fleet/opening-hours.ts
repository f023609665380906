import { type Static, Type } from '@sinclair/typebox';
import { offsetMs } from '../clips/zoned-time.js';

const Clock = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$',
  description: 'a time of day from 00:00 to 24:00, such as 09:00',
  examples: ['09:00', '24:00'],
});
/** `[open, close)` in the store's local time, open before close (a night shop splits at midnight). */
const Range = Type.Tuple([Clock, Clock]);
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const Day = Type.Optional(Type.Array(Range, { maxItems: 8 }));
/** Per weekday, the ranges a store is open; a day left out is a closed day. */
export const OpeningHours = Type.Object(
  { mon: Day, tue: Day, wed: Day, thu: Day, fri: Day, sat: Day, sun: Day },
  { additionalProperties: false },
);
export type OpeningHours = Static<typeof OpeningHours>;

/**
 * The first key of a raw `openingHours` body that is not a weekday, as `/<key>: …`. It is checked
 * before validation because the HTTP layer strips unknown keys, which turned "monday" into a
 * store that is never open.
 */
export function unknownDayProblem(hours: unknown): string | undefined {
  if (typeof hours !== 'object' || hours === null || Array.isArray(hours)) return undefined;
  const unknown = Object.keys(hours).find((key) => !(WEEKDAYS as readonly string[]).includes(key));
  return unknown === undefined ? undefined : `/${unknown}: unknown day; days are ${WEEKDAYS.join(', ')}`;
}

/** The first range whose opening is not before its closing, as `/<day>/<index>`; undefined if all are fine. */
export function openingHoursProblem(hours: OpeningHours): string | undefined {
  for (const day of WEEKDAYS) {
    const ranges = hours[day] ?? [];
    for (const [index, [open, close]] of ranges.entries()) {
      if (minutes(open) >= minutes(close)) return `/${day}/${index}: opens at ${open} but closes at ${close}`;
    }
  }
  return undefined;
}

/** Whether a store with these hours (null: no hours set, always open) is open at `utcMs`. */
export function isOpen(hours: OpeningHours | null, timeZone: string, utcMs: number): boolean {
  if (hours === null) return true;
  const local = new Date(utcMs + offsetMs(utcMs, timeZone));
  // getUTCDay: 0 is Sunday.
  const day = WEEKDAYS[(local.getUTCDay() + 6) % 7] as (typeof WEEKDAYS)[number];
  const now = local.getUTCHours() * 60 + local.getUTCMinutes();
  return (hours[day] ?? []).some(([open, close]) => now >= minutes(open) && now < minutes(close));
}

function minutes(clock: string): number {
  const [h, m] = clock.split(':').map(Number) as [number, number];
  return h * 60 + m;
}
