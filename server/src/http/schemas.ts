import { Id } from '@earshot/shared/protocol';
import { Type } from '@sinclair/typebox';

/** What every error answer looks like. */
export const ErrorBody = Type.Object({ error: Type.String() });

export const Slug = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
  description: 'a name of up to 64 lowercase letters, digits, _ or -, starting with a letter or digit',
});
/** The `:id` of a clip or device in a path. */
export const IdParams = Type.Object({ id: Id });
export const DateTime = Type.String({ format: 'date-time' });
/** An IANA zone name the runtime knows. Checked again in the handler (see validTimeZone). */
export const TimeZone = Type.String({ minLength: 1, maxLength: 64, examples: ['Europe/Moscow'] });
export const Language = Type.String({
  pattern: '^[a-z]{2,3}(-[A-Z]{2})?$',
  description: 'a language tag such as en or ru-RU',
  examples: ['ru-RU', 'en'],
});

export function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `from`/`to` in the one date grammar of the API (see clips/pressed-range.ts). */
export const TimeBound = (description: string) =>
  Type.String({
    format: 'time-bound',
    description: `${description}: an instant with offset (2026-03-01T09:30:00+03:00), or a date or date-time without one (2026-03-01, 2026-03-01T09:30), read in each store's time zone`,
  });

/** The zone local dates and hours are read in for clips of no store. */
export const NoStoreZone = Type.String({
  minLength: 1,
  maxLength: 64,
  examples: ['Europe/Moscow'],
  description:
    "the IANA time zone for clips of no store (default UTC); the console sends the browser's, the zone its clip list shows them in",
});
