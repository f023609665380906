import { readFileSync } from 'node:fs';

/**
 * CPU time (user + system) a process has used, in ms, from /proc (Linux). Unlike wall time it
 * hardly depends on what else the 2 shared cores are doing, so it reads as a cost.
 */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** Resident set size of a process, in MB. */
export function rssMbOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? Number.NaN) / 1024;
}

/** Starts counting the CPU of `pid`; the returned function reads the ms used since. */
export function cpuMeter(pid: number): () => number {
  const before = cpuMsOf(pid);
  return () => cpuMsOf(pid) - before;
}

/** RSS samples of a process every `everyMs`, for "does it level off". */
export class RssSampler {
  readonly samples: { atMs: number; mb: number }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: () => number,
    everyMs: number,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * First, last and highest sample, and the growth over the second half of the run in MB a
   * minute: near zero when the process has levelled off.
   */
  summary(): { first: number; last: number; max: number; secondHalfMbPerMin: number } {
    const s = this.samples;
    const first = s[0]?.mb ?? Number.NaN;
    const last = s.at(-1)?.mb ?? Number.NaN;
    const half = s.slice(Math.floor(s.length / 2));
    const start = half[0];
    const end = half.at(-1);
    const minutes = start && end ? (end.atMs - start.atMs) / 60_000 : 0;
    const secondHalfMbPerMin =
      start && end && minutes > 0 ? (mean(half.slice(-3)) - mean(half.slice(0, 3))) / minutes : 0;
    return { first, last, max: Math.max(...s.map((x) => x.mb)), secondHalfMbPerMin };
  }

  private sample(): void {
    try {
      this.samples.push({ atMs: performance.now(), mb: rssMbOf(this.pid()) });
    } catch {
      // The process is between a kill and its restart.
    }
  }
}

function mean(samples: { mb: number }[]): number {
  return samples.reduce((sum, x) => sum + x.mb, 0) / samples.length;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
