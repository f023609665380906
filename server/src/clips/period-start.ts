/** A report's period: a week (Monday to Sunday, as ISO 8601 and Russian calendars have it) or a month. */
export type Interval = 'week' | 'month';

/** The first day of the week (Monday) or month of a local day (YYYY-MM-DD). */
export function startOf(day: string, interval: Interval): string {
  if (interval === 'month') return `${day.slice(0, 7)}-01`;
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}
