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
