import type { Logger } from '@earshot/shared/log';
import type { Clock } from '../audio/clock.js';
import type { Light } from './light.js';
import { PatternPlayer, ProblemWatch, type Signal } from './patterns.js';

export interface FeedbackOutput {
  name: string;
  light: Light;
  signals: ReadonlySet<Signal>;
}

export interface FeedbackOptions {
  /** What is wrong right now, in words (empty: nothing). */
  problems: () => string[];
  graceMs: number;
  pollMs: number;
  clock: Clock;
  logger: Logger;
}

/** Plays the signal patterns on the configured lights and buzzers. */
export class Feedback {
  private readonly outputs: { output: FeedbackOutput; player: PatternPlayer; on: boolean | undefined }[];
  private readonly watch: ProblemWatch;
  private timer: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  private problem = false;

  constructor(
    outputs: FeedbackOutput[],
    private readonly options: FeedbackOptions,
  ) {
    this.outputs = outputs.map((output) => ({ output, player: new PatternPlayer(output.signals), on: undefined }));
    this.watch = new ProblemWatch(options.graceMs);
  }

  start(): void {
    this.poll();
    this.poller = setInterval(() => this.poll(), this.options.pollMs);
  }

  stop(): void {
    clearInterval(this.poller);
    clearTimeout(this.timer);
    for (const { output } of this.outputs) this.guard(output, () => output.light.close());
  }

  signal(signal: Exclude<Signal, 'problem'>): void {
    const now = this.options.clock.monotonicMs();
    for (const { player } of this.outputs) player.play(signal, now);
    this.render();
  }

  private poll(): void {
    const problems = this.options.problems();
    const problem = this.watch.update(problems, this.options.clock.monotonicMs());
    if (problem !== this.problem) this.options.logger.info({ problems }, problem ? 'showing problem' : 'problem gone');
    this.problem = problem;
    const now = this.options.clock.monotonicMs();
    for (const { player } of this.outputs) player.setProblem(problem, now);
    this.render();
  }

  private render(): void {
    clearTimeout(this.timer);
    const now = this.options.clock.monotonicMs();
    let next = Infinity;
    for (const entry of this.outputs) {
      const { on, nextChange } = entry.player.at(now);
      if (on !== entry.on) {
        entry.on = on;
        this.guard(entry.output, () => entry.output.light.set(on));
      }
      next = Math.min(next, nextChange);
    }
    if (next !== Infinity) this.timer = setTimeout(() => this.render(), Math.max(1, next - now));
  }

  /** A broken LED must not take the buttons down with it. */
  private guard(output: FeedbackOutput, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.options.logger.warn({ output: output.name, err: error }, 'feedback output failed');
    }
  }
}
