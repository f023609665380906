import type { Logger } from '@earshot/shared/log';
import type { Service } from './service.js';

export interface PeriodicTaskOptions {
  name: string;
  intervalMs: number;
  run: () => Promise<unknown>;
  logger: Logger;
  /** Also run once right at start, in the background (start does not wait for it). */
  runAtStart?: boolean;
}

/**
 * Background work on a timer: retention purges, fleet checks, expiry of abandoned transfers.
 * A run never overlaps the previous one, a failure is logged and retried next time, and stop
 * waits for a run in progress, so nothing touches the database after it is closed.
 */
export class PeriodicTask implements Service {
  readonly name: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: PeriodicTaskOptions) {
    this.name = options.name;
  }

  async start(): Promise<void> {
    if (this.options.runAtStart) void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private runOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.options
      .run()
      .then(
        () => undefined,
        (error: unknown) =>
          this.options.logger.error({ err: error, task: this.name }, `${this.name} failed; retried next time`),
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
