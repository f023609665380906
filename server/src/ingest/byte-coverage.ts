/** Half-open byte range [start, end). */
export type Range = [number, number];

/** The parts of [0, size) that the received pieces do not cover, in order. */
export function missingRanges(size: number, pieces: { offset: number; length: number }[]): Range[] {
  const sorted = [...pieces].sort((a, b) => a.offset - b.offset);
  const missing: Range[] = [];
  let covered = 0;
  for (const { offset, length } of sorted) {
    if (offset > covered) missing.push([covered, Math.min(offset, size)]);
    covered = Math.max(covered, offset + length);
    if (covered >= size) break;
  }
  if (covered < size) missing.push([covered, size]);
  return missing;
}
