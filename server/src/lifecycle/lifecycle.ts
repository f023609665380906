import type { Logger } from '@earshot/shared/log';
import type { Service } from './service.js';

/**
 * The services started so far, in order. `start` adds one only once it has started; `stop`
 * stops them all in reverse, so what depends on a service stops before it. When a start fails,
 * the caller stops what is already running and the process ends with nothing left half-open.
 */
export class Lifecycle {
  private readonly started: Service[] = [];

  constructor(private readonly logger: Logger) {}

  async start(service: Service): Promise<void> {
    await service.start();
    this.started.push(service);
    this.logger.debug({ service: service.name }, 'started');
  }

  /** A resource opened by `open` and closed by `close`, as a service; returns the resource. */
  async open<T>(name: string, open: () => Promise<T>, close: (resource: T) => Promise<void>): Promise<T> {
    let resource: T | undefined;
    await this.start({
      name,
      start: async () => {
        resource = await open();
      },
      stop: () => close(resource as T),
    });
    return resource as T;
  }

  /** Stops every started service, last first; one failing to stop does not keep the rest running. */
  async stop(): Promise<void> {
    for (let service = this.started.pop(); service; service = this.started.pop()) {
      try {
        await service.stop();
        this.logger.debug({ service: service.name }, 'stopped');
      } catch (error) {
        this.logger.error({ service: service.name, err: error }, 'stopping failed; going on with the rest');
      }
    }
  }
}
