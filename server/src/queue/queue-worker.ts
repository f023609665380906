import type { Logger } from '@earshot/shared/log';
import type { Job, JobQueue } from './job-queue.js';

export interface QueueWorkerOptions<P> {
  queue: JobQueue;
  name: string;
  concurrency: number;
  pollIntervalMs: number;
  logger: Logger;
  /** Handles one claimed job: completes or fails it on the queue. `signal` aborts at stop. */
  handle: (job: Job<P>, signal: AbortSignal) => Promise<void>;
}

/**
 * Takes jobs of one queue, `concurrency` at a time, polling when idle and woken at once when a
 * job is enqueued in this process. Jobs left active by a process that died are due again at
 * start; a job in flight at stop is abandoned to the queue, not lost.
 */
export class QueueWorker<P> {
  private running = false;
  private loops: Promise<void>[] = [];
  private wakeUp: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(private readonly options: QueueWorkerOptions<P>) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  async start(): Promise<void> {
    const recovered = await this.options.queue.recoverAbandoned(this.options.name);
    if (recovered > 0) this.options.logger.warn({ recovered }, 'jobs left active by the last run are due again');
    this.running = true;
    this.loops = Array.from({ length: this.options.concurrency }, () => this.loop());
  }

  /** A job was enqueued: look now rather than at the next poll. */
  wake(): void {
    for (const resolve of this.wakeUp.splice(0)) resolve();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.wake();
    await Promise.all(this.loops);
  }

  /** Runs one due job, if any; true when there was one. */
  async runOnce(): Promise<boolean> {
    const job = await this.options.queue.claim<P>(this.options.name);
    if (!job) return false;
    await this.options.handle(job, this.abort.signal);
    return true;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.runOnce();
      } catch (error) {
        if (!this.running) return;
        this.options.logger.error({ err: error }, `${this.options.name} worker step failed`);
      }
      if (!worked && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollIntervalMs);
          this.wakeUp.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
  }
}
