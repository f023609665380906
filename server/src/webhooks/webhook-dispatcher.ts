import { createHmac } from 'node:crypto';
import type { Logger } from '@earshot/shared/log';
import type { Job, JobQueue, RetryPolicy } from '../queue/job-queue.js';
import { QueueWorker } from '../queue/queue-worker.js';
import { WEBHOOK_QUEUE, type WebhookJob, type Webhooks } from './webhooks.js';

export interface WebhookDispatcherOptions {
  webhooks: Webhooks;
  queue: JobQueue;
  retry: RetryPolicy;
  timeoutMs: number;
  pollIntervalMs: number;
  logger: Logger;
}

/**
 * Delivers webhook events: POST of `{id, event, at, data}` as JSON, signed. The signature header
 * is `x-earshot-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, so a receiver
 * can check both origin and freshness. Any 2xx is delivered; anything else, or no answer within
 * the timeout, is retried with backoff (honouring Retry-After), then dead with its last error.
 */
export class WebhookDispatcher extends QueueWorker<WebhookJob> {
  constructor(private readonly options: WebhookDispatcherOptions) {
    super({
      queue: options.queue,
      name: WEBHOOK_QUEUE,
      concurrency: 2,
      pollIntervalMs: options.pollIntervalMs,
      logger: options.logger,
    });
  }

  protected async handle(job: Job<WebhookJob>): Promise<void> {
    const stopping = this.signal;
    const { queue, logger, retry } = this.options;
    const event = job.payload;
    const hook = this.options.webhooks.hook(event.hook);
    if (!hook) {
      logger.warn({ hook: event.hook, delivery: event.delivery }, 'webhook no longer configured: event dropped');
      await queue.complete(job);
      return;
    }
    const body = JSON.stringify({ id: event.delivery, event: event.event, at: event.at, data: event.data });
    const t = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', hook.secret).update(`${t}.${body}`).digest('hex');
    let failure: string;
    let retryAfterMs: number | undefined;
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-earshot-event': event.event,
          'x-earshot-delivery': event.delivery,
          'x-earshot-signature': `t=${t},v1=${signature}`,
        },
        body,
        signal: AbortSignal.any([stopping, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        await queue.complete(job);
        logger.info({ hook: hook.name, event: event.event, delivery: event.delivery }, 'webhook delivered');
        return;
      }
      failure = `${hook.url} answered HTTP ${response.status}`;
      const retryAfter = Number(response.headers.get('retry-after'));
      if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = retryAfter * 1000;
    } catch (error) {
      if (stopping.aborted) return;
      failure = `${hook.url}: ${error instanceof Error ? error.message : String(error)}`;
    }
    const state = await queue.fail(job, failure, retry, retryAfterMs);
    logger.warn(
      { hook: hook.name, delivery: event.delivery, attempt: job.attempts, state, error: failure },
      'webhook not delivered',
    );
  }
}
