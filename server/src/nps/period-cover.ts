import { addDays } from '../clips/pressed-range.js';
import { type Interval, startOf } from '../clips/period-start.js';

/** A run of whole periods of one kind: those starting from `first` to `last`, local days. */
export interface CoverPiece {
  period: 'day' | 'week' | 'month';
  first: string;
  last: string;
}

/**
 * Local days `from` to `to` (inclusive) as the fewest runs of whole periods that tile them: whole
 * months inside, then whole weeks in what is left at either end, then days. Counted per week or
 * month (`interval`), a piece must lie within one of those, so only that kind and days are used.
 */
export function periodCover(from: string, to: string, interval?: Interval): CoverPiece[] {
  return cover(from, to, interval ? [interval] : ['month', 'week']);
}

function cover(from: string, to: string, units: Interval[]): CoverPiece[] {
  if (from > to) return [];
  const [unit, ...rest] = units;
  if (!unit) return [{ period: 'day', first: from, last: to }];
  const first = startOf(from, unit) === from ? from : next(startOf(from, unit), unit);
  let last = startOf(to, unit);
  if (addDays(next(last, unit), -1) > to) last = previous(last, unit);
  if (first > last) return cover(from, to, rest);
  return [
    ...cover(from, addDays(first, -1), rest),
    { period: unit, first, last },
    ...cover(next(last, unit), to, rest),
  ];
}

/** The start of the period after the one starting on `start`. */
function next(start: string, unit: Interval): string {
  if (unit === 'week') return addDays(start, 7);
  const date = new Date(`${start}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.toISOString().slice(0, 10);
}

function previous(start: string, unit: Interval): string {
  if (unit === 'week') return addDays(start, -7);
  const date = new Date(`${start}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - 1);
  return date.toISOString().slice(0, 10);
}
