/**
 * The one reader of times that come from outside (query strings, bodies, press logs). `Date.parse`
 * rolls impossible fields over (2026-02-30 becomes 2 March) or gives NaN (a leap second), and
 * either ends as a wrong answer or a 500; here each field is checked and the problem named.
 */

/** RFC 3339 instant: a date, a time and an offset (seconds may be left out, as the clip filters always allowed). */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/i;
/** `2026-03-01`, `2026-03-01T09:30` or `2026-03-01T09:30:15`: no offset, so local to a store. */
export const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Why the fields of a date and time cannot be a real moment; undefined when they can. */
function fieldProblem(y: string, mo: string, d: string, h = '0', mi = '0', s = '0'): string | undefined {
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  if (month === undefined || month < 1 || month > 12) return `month ${mo} does not exist`;
  const daysInMonth = new Date(Date.UTC(Number(year), month, 0)).getUTCDate();
  if (Number(day) < 1 || Number(day) > daysInMonth) return `${y}-${mo} has no day ${d}`;
  if (Number(hour) > 23) return `hour ${h} does not exist (00-23)`;
  if (Number(minute) > 59) return `minute ${mi} does not exist (00-59)`;
  if (second === 60) return 'leap seconds are not accepted: use :59';
  if (Number(second) > 59) return `second ${s} does not exist (00-59)`;
  return undefined;
}

/** What is wrong with an RFC 3339 instant; undefined when it is one. */
export function instantProblem(text: string): string | undefined {
  const match = INSTANT.exec(text);
  if (!match) return 'not a date and time with an offset, such as 2026-03-01T09:30:00+03:00';
  const [, y, mo, d, h, mi, s, , , oh, om] = match as unknown as string[];
  const problem = fieldProblem(y!, mo!, d!, h, mi, s);
  if (problem) return problem;
  if (oh !== undefined && (Number(oh) > 23 || Number(om) > 59)) return `offset ${oh}:${om} does not exist`;
  return undefined;
}

/** What is wrong with a local date or time (2026-03-01, 2026-03-01T09:30[:15]); undefined when it is one. */
export function localTimeProblem(text: string): string | undefined {
  const match = LOCAL_TIME.exec(text);
  if (!match) return 'not a date or a date and time, such as 2026-03-01 or 2026-03-01T09:30';
  const [, y, mo, d, h, mi, s] = match as unknown as (string | undefined)[];
  return fieldProblem(y!, mo!, d!, h, mi, s);
}

/** An instant, or a local time in a store's zone: what the clip filters and erasures take. */
export function timeBoundProblem(text: string): string | undefined {
  return LOCAL_TIME.test(text) ? localTimeProblem(text) : instantProblem(text);
}

/** The Date of an RFC 3339 instant; throws a RangeError that says what is wrong. */
export function parseInstant(text: string): Date {
  const problem = instantProblem(text);
  if (problem) throw new RangeError(`${JSON.stringify(text)}: ${problem}`);
  return new Date(text);
}
