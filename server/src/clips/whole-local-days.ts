import { addDays } from './pressed-range.js';
import { localDayAndHour, localToUtc } from './zoned-time.js';

/**
 * How a range of instants splits between the counts kept per local day and the clips: the days
 * whole in every zone given, and the instants outside which a store's clip of any other day lies.
 */
export interface WholeLocalDays {
  /** The first and last local day (plain dates) that lie whole inside the range in every zone. */
  days: { from: string; to: string };
  /**
   * Where the clips of stores' days outside `days` can be: before `before` (at the range's start)
   * or at or after `after` (at its end). Between the two lie only clips of `days`, and of no store.
   */
  edges: { before: string; after: string };
}

/**
 * The local days lying whole inside [from, to) in each of `zones`, as one span shared by them all:
 * from the latest zone's first whole day to the earliest zone's last. A store's clip of such a day
 * lies inside the range whatever its zone, and a clip of any other day lies at the range's ends, no
 * further than a day and the zones' spread from them. Undefined when no day is whole in every zone
 * (a range shorter than a couple of days, or no zones). `from` and `to` are instants.
 */
export function wholeLocalDays(from: string, to: string, zones: readonly string[]): WholeLocalDays | undefined {
  if (zones.length === 0) return undefined;
  const fromMs = Date.parse(from);
  const dayStart = (day: string, zone: string) => localToUtc(day, zone).getTime();
  let first: string | undefined;
  let last: string | undefined;
  for (const zone of zones) {
    // The day `from` falls in is whole only when `from` is its first instant.
    const day = localDayAndHour(from, zone).day;
    const firstHere = dayStart(day, zone) === fromMs ? day : addDays(day, 1);
    if (first === undefined || firstHere > first) first = firstHere;
    // The day `to` falls in is never whole: `to` is outside the range.
    const lastHere = addDays(localDayAndHour(to, zone).day, -1);
    if (last === undefined || lastHere < last) last = lastHere;
  }
  if (first === undefined || last === undefined || last < first) return undefined;
  const starts = zones.map((zone) => dayStart(first, zone));
  const before = Math.max(...starts);
  const ends = zones.map((zone) => dayStart(addDays(last, 1), zone));
  // Zones more than a day apart can make a single whole day end in one before it starts in another.
  const after = Math.max(Math.min(...ends), before);
  return {
    days: { from: first, to: last },
    edges: { before: new Date(before).toISOString(), after: new Date(after).toISOString() },
  };
}
