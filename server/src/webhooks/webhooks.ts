import type { ServerConfig } from '../config/server-config.js';
import type { Executor, JobQueue } from '../queue/job-queue.js';

export const WEBHOOK_QUEUE = 'webhook';

/** A store's own system, as configured (`webhooks.hooks`). */
export type WebhookConfig = ServerConfig['webhooks']['hooks'][number];
export type WebhookEvent = WebhookConfig['events'][number];

/** One delivery waiting in the queue. The hook is named, not copied: no secret in the job table. */
export interface WebhookJob {
  hook: string;
  delivery: string;
  event: WebhookEvent;
  at: string;
  data: Record<string, unknown>;
}

/**
 * Events for stores' own systems (open a ticket on a detractor's answer). An event is enqueued
 * in the caller's transaction, so it exists exactly when what it announces was committed; the
 * dispatcher delivers it with retries.
 */
export class Webhooks {
  constructor(
    private readonly hooks: WebhookConfig[],
    private readonly queue: JobQueue,
  ) {}

  async emit(
    executor: Executor,
    event: WebhookEvent,
    data: Record<string, unknown>,
    transcript?: string,
  ): Promise<number> {
    const at = new Date().toISOString();
    let queued = 0;
    for (const hook of this.hooks) {
      if (!hook.events.includes(event)) continue;
      const payload: WebhookJob = {
        hook: hook.name,
        delivery: crypto.randomUUID(),
        event,
        at,
        data: hook.includeTranscript && transcript !== undefined ? { ...data, transcript } : data,
      };
      await this.queue.enqueue(executor, WEBHOOK_QUEUE, payload);
      queued++;
    }
    return queued;
  }

  hook(name: string): WebhookConfig | undefined {
    return this.hooks.find((h) => h.name === name);
  }
}
