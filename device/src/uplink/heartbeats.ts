import type { Logger } from '@earshot/shared/log';
import type { DeviceHeartbeat, Topics } from '@earshot/shared/protocol';
import { Disconnected, type Publisher } from './publisher.js';

/** What the device reports at each beat; the heartbeat adds the time, version and config version. */
export type HeartbeatContents = Omit<DeviceHeartbeat, 'at' | 'version' | 'configVersion'>;

export interface HeartbeatsOptions {
  deviceId: string;
  topics: Topics;
  link: Publisher;
  intervalMs: number;
  version: string;
  logger: Logger;
  /** The heartbeat's contents, asked for at every beat. */
  contents: () => Promise<HeartbeatContents>;
  /** The remote configuration in force, reported with each beat. */
  configVersion: () => number | null;
}

/** The periodic heartbeat: one at each connection, then every `intervalMs` while connected. */
export class Heartbeats {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: HeartbeatsOptions) {}

  start(): void {
    clearInterval(this.timer);
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.options.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async beat(): Promise<void> {
    const { topics, deviceId, logger } = this.options;
    try {
      const heartbeat: DeviceHeartbeat = {
        at: new Date().toISOString(),
        version: this.options.version,
        configVersion: this.options.configVersion(),
        ...(await this.options.contents()),
      };
      await this.options.link.publish(topics.heartbeat(deviceId), JSON.stringify(heartbeat));
    } catch (error) {
      if (!(error instanceof Disconnected)) logger.warn({ err: error }, 'heartbeat not sent');
    }
  }
}
