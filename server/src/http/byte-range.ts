import parseRange from 'range-parser';
import type { ByteRange } from '../storage/blob-store.js';

/**
 * Parses a single-range HTTP `Range` header against a resource of `size` bytes (RFC 9110 14.1.2).
 * Returns undefined when there is no usable header (serve the whole thing), 'unsatisfiable' for
 * a range outside the resource (416). Multiple ranges are served whole, as the RFC allows.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const ranges = parseRange(size, header.trim());
  if (ranges === -2) return undefined;
  if (ranges === -1) return notServed(header.trim(), size);
  if (ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  const [range] = ranges;
  return range && { start: range.start, end: range.end };
}

/**
 * range-parser answers -1 for every range it cannot serve as written; RFC 9110 tells them apart:
 * a suffix longer than the resource selects all of it, a last byte before the first makes the
 * header invalid (ignored), and only a range past the end or an empty suffix is unsatisfiable.
 */
function notServed(header: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '') return Number(last) === 0 ? 'unsatisfiable' : { start: 0, end: size - 1 };
  return Number(first) >= size ? 'unsatisfiable' : undefined;
}
