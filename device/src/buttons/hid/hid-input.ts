import { createReadStream, type ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Logger } from '@earshot/shared/log';
import ioctl from 'ioctl';
import type { ButtonInput, InputHealth, InputListener } from '../button-input.js';
import { InputEventDecoder } from './input-event.js';

/** _IOW('E', 0x90, int): take (1) or give back (0) an input device exclusively. */
const EVIOCGRAB = 0x40044590;

export interface HidInputOptions {
  /** An evdev node, best a stable /dev/input/by-id/...-event-kbd link. */
  path: string;
  /** Key code -> logical button; other keys are ignored. */
  keys: Map<number, number>;
  grab: boolean;
  reopenMs: number;
  logger: Logger;
}

/**
 * A USB keyboard, presenter or foot pedal. Grabbed exclusively (EVIOCGRAB) so that its keys do
 * not also type into the console; reopened while it is unplugged.
 */
export class HidInput implements ButtonInput {
  readonly name: string;
  private stream: ReadStream | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private state: InputHealth = { connected: false, detail: 'not started' };

  constructor(private readonly options: HidInputOptions) {
    this.name = `hid:${options.path}`;
  }

  health(): InputHealth {
    return this.state;
  }

  async start(listener: InputListener): Promise<void> {
    await this.open(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reopenTimer);
    // Closing the descriptor releases a grab; a read blocked in the thread pool ends with it.
    this.stream?.destroy();
  }

  private async open(listener: InputListener): Promise<void> {
    if (this.stopped) return;
    const { path, grab, logger } = this.options;
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      return this.lost(listener, `cannot open ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (grab) {
      try {
        ioctl(handle.fd, EVIOCGRAB, 1);
      } catch (error) {
        await handle.close();
        // Not retried: a device that cannot be grabbed (not evdev, or grabbed by another program) will not heal.
        const detail = `cannot grab ${path} exclusively: ${(error as Error).message}`;
        this.state = { connected: false, detail };
        logger.error({ path }, detail);
        return;
      }
    }
    const decoder = new InputEventDecoder();
    const stream = createReadStream('', { fd: handle.fd, highWaterMark: 24 * 64 });
    this.stream = stream;
    this.state = { connected: true };
    logger.info({ path, grabbed: grab }, 'HID button device connected');
    stream.on('data', (chunk: string | Buffer) => {
      for (const event of decoder.push(chunk as Buffer)) {
        const button = this.options.keys.get(event.code);
        if (button !== undefined) listener.edge(button, event.pressed);
      }
    });
    stream.on('error', (error: NodeJS.ErrnoException) =>
      this.lost(listener, `${path}: ${error.code ?? error.message}`),
    );
    stream.on('end', () => this.lost(listener, `${path} ended`));
  }

  private lost(listener: InputListener, detail: string): void {
    if (this.stopped || this.reopenTimer) return;
    if (this.state.connected || this.state.detail !== detail) {
      this.options.logger.warn({ path: this.options.path, detail }, 'HID button device not connected; retrying');
    }
    this.state = { connected: false, detail };
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = undefined;
      void this.open(listener);
    }, this.options.reopenMs);
  }
}
