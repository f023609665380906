import { FormatRegistry, Type } from '@sinclair/typebox';

/** Field types that several messages share. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (v) => ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));
}

export const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
export const Timestamp = Type.String({ format: 'date-time' });
export const NonNegative = Type.Integer({ minimum: 0 });
