import type { ByteRange } from '../storage/blob-store.js';

/**
 * Parses a single-range HTTP `Range` header against a resource of `size` bytes (RFC 9110 14.1.2).
 * Returns undefined when there is no usable header (serve the whole thing), 'unsatisfiable' for
 * a range outside the resource (416). Multiple ranges are served whole, as the RFC allows.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return undefined;
  return { start, end };
}
