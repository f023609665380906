import { Writable } from 'node:stream';
import type { Outbox } from '@earshot/device/outbox';
import type { Uplink } from '@earshot/device/uplink';
import { createLogger, type Logger } from '@earshot/shared/log';
import { makeClip, sha256 } from './test-clips.js';

/** A light simulated device of the transfer rig: the real Outbox and Uplink, fed pre-made clips. */
export class SimDevice {
  /** clip id -> sha256 of every clip put in the outbox. */
  readonly clips = new Map<string, string>();
  readonly delivered = new Set<string>();

  constructor(
    readonly deviceId: string,
    readonly outbox: Outbox,
    readonly uplink: Uplink,
    readonly log: LogCapture,
  ) {}

  start(): void {
    this.uplink.start();
  }

  /** Puts a WAV clip of `seconds` of 16 kHz mono noise in the outbox and kicks the uplink. */
  async press(seconds = 2, button = 1): Promise<string> {
    const { meta, audio } = makeClip(seconds, button);
    await this.outbox.put(meta, audio);
    this.clips.set(meta.clipId, sha256(audio));
    this.uplink.kick(meta.clipId);
    return meta.clipId;
  }
}

/** A pino logger whose lines are kept for assertions. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly logger: Logger;
  constructor() {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    this.logger = createLogger({ name: 'sim-device', level: 'debug', destination: sink });
  }
  has(pattern: RegExp): boolean {
    return this.lines.some((l) => pattern.test(l));
  }
}
