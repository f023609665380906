import { Type } from '@sinclair/typebox';

/**
 * The ids of devices, clips and capture sessions, as everything that names one checks them: an
 * id is a topic level and part of file and object names, so it holds no `/`, `+`, `#`, `$` or
 * dot, and starts with a letter or digit.
 */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$';
const ID = new RegExp(ID_PATTERN);

/** The TypeBox schema of an id. */
export const Id = Type.String({
  pattern: ID_PATTERN,
  description: 'an id of up to 64 letters, digits, _ or -, starting with a letter or digit',
});

export function isValidId(id: string): boolean {
  return ID.test(id);
}
