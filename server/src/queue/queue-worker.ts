import type { Logger } from '@earshot/shared/log';
import type { Service } from '../lifecycle/service.js';
import type { Job, JobQueue } from './job-queue.js';

export interface QueueWorkerOptions {
  queue: JobQueue;
  name: string;
  concurrency: number;
  pollIntervalMs: number;
  logger: Logger;
}

/**
 * Takes jobs of one queue, `concurrency` at a time, polling when idle and woken at once when a
 * job is enqueued in this process. Jobs left active by a process that died are due again at
 * start; a job in flight at stop is abandoned to the queue, not lost.
 */
export abstract class QueueWorker<P> implements Service {
  private running = false;
  private loops: Promise<void>[] = [];
  private wakeUp: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(private readonly loop: QueueWorkerOptions) {}

  get name(): string {
    return `${this.loop.name} worker`;
  }

  /** Aborted at stop: handlers pass it on to the work they wait for. */
  protected get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Handles one claimed job: completes or fails it on the queue. */
  protected abstract handle(job: Job<P>): Promise<void>;

  async start(): Promise<void> {
    const recovered = await this.loop.queue.recoverAbandoned(this.loop.name);
    if (recovered > 0) this.loop.logger.warn({ recovered }, 'jobs left active by the last run are due again');
    this.running = true;
    this.loops = Array.from({ length: this.loop.concurrency }, () => this.run());
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
    const job = await this.loop.queue.claim<P>(this.loop.name);
    if (!job) return false;
    await this.handle(job);
    return true;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.runOnce();
      } catch (error) {
        if (!this.running) return;
        this.loop.logger.error({ err: error }, `${this.loop.name} worker step failed`);
      }
      if (!worked && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.loop.pollIntervalMs);
          this.wakeUp.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
  }
}
