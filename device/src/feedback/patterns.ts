/** Things staff are shown. "problem" is a state that lasts; the others are one-off events. */
export type Signal = 'captured' | 'delivered' | 'cancelled' | 'refused' | 'problem';

export const SIGNALS: readonly Signal[] = ['captured', 'delivered', 'cancelled', 'refused', 'problem'];

/** Alternating on/off durations in ms, starting with "on". */
export type Pattern = readonly number[];

/**
 * Distinct at a glance and by ear (the same patterns drive a buzzer):
 * captured: one long flash; delivered: three quick blinks; cancelled: two long flashes;
 * refused: fast flicker; problem: a short blink every two seconds for as long as it lasts.
 */
export const PATTERNS: Readonly<Record<Signal, Pattern>> = {
  captured: [800],
  delivered: [120, 120, 120, 120, 120],
  cancelled: [600, 300, 600],
  refused: [60, 60, 60, 60, 60, 60, 60, 60, 60],
  problem: [200, 1800],
};

const total = (pattern: Pattern) => pattern.reduce((sum, ms) => sum + ms, 0);

/** Whether `pattern` is on at `t` ms after it started, and when that next changes (relative). */
function phase(pattern: Pattern, t: number): { on: boolean; changeIn: number } {
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const end = start + (pattern[i] ?? 0);
    if (t < end) return { on: i % 2 === 0, changeIn: end - t };
    start = end;
  }
  return { on: false, changeIn: Infinity };
}

/**
 * One light's (or buzzer's) state over time, pure: a one-off event plays once over whatever runs
 * in the background (the problem blink, or dark), and a newer event replaces an older one.
 */
export class PatternPlayer {
  private event: { pattern: Pattern; startedAt: number } | undefined;
  private problemSince: number | undefined;

  /** @param signals the signals this output shows; others are ignored (a buzzer may want only "captured"). */
  constructor(private readonly signals: ReadonlySet<Signal>) {}

  play(signal: Exclude<Signal, 'problem'>, now: number): void {
    if (this.signals.has(signal)) this.event = { pattern: PATTERNS[signal], startedAt: now };
  }

  setProblem(active: boolean, now: number): void {
    if (!this.signals.has('problem')) return;
    if (active && this.problemSince === undefined) this.problemSince = now;
    if (!active) this.problemSince = undefined;
  }

  /** Whether the output is on at `now`, and the time of its next change (Infinity: none planned). */
  at(now: number): { on: boolean; nextChange: number } {
    if (this.event) {
      const t = now - this.event.startedAt;
      if (t >= 0 && t < total(this.event.pattern)) {
        const { on, changeIn } = phase(this.event.pattern, t);
        return { on, nextChange: now + changeIn };
      }
    }
    if (this.problemSince === undefined) return { on: false, nextChange: Infinity };
    const pattern = PATTERNS.problem;
    const { on, changeIn } = phase(pattern, (now - this.problemSince) % total(pattern));
    return { on, nextChange: now + changeIn };
  }
}

/**
 * "Problem" only once a condition has lasted `graceMs`: a broker reconnect of a second should
 * not make staff think the device is broken.
 */
export class ProblemWatch {
  private since: number | undefined;

  constructor(private readonly graceMs: number) {}

  update(problems: readonly string[], now: number): boolean {
    if (problems.length === 0) {
      this.since = undefined;
      return false;
    }
    this.since ??= now;
    return now - this.since >= this.graceMs;
  }
}
