/**
 * Benchmarks print one JSON line per figure, `{"bench": name, "value": n, "unit": u}`, and a
 * figure measured against a baseline of the same run adds `baseline` and `ratio`, so that
 * numbers from different machines can be compared by their ratios.
 */
export function report(bench: string, value: number, unit: string, baseline?: { name: string; value: number }): void {
  const line: Record<string, unknown> = { bench, value: round(value), unit };
  if (baseline) {
    line.baseline = baseline.name;
    line.ratio = round(value / baseline.value);
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function round(n: number): number {
  return Number(n.toPrecision(4));
}

/** Runs `fn` repeatedly for about `ms` and returns the mean duration of one run, in ms. */
export async function timeIt(fn: () => unknown, ms = 1000): Promise<number> {
  await fn();
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await fn();
    runs++;
  }
  return (performance.now() - start) / runs;
}
