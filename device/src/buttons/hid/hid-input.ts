import { type ChildProcess, spawn } from 'node:child_process';
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
 *
 * The grabbed descriptor is read by a `cat` that inherits it: a read of a character device from
 * Node runs in the thread pool and cannot be interrupted, so it would hold the daemon open on
 * shutdown until the next key press. A child's pipe is read without blocking and the child is
 * simply killed. The grab belongs to the open file, which the child shares.
 */
export class HidInput implements ButtonInput {
  readonly name: string;
  private reader: ChildProcess | undefined;
  private closeDevice: (() => Promise<void>) | undefined;
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
    await this.release();
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
    const reader = spawn('cat', [], { stdio: [handle.fd, 'pipe', 'pipe'] });
    this.reader = reader;
    // Closing the descriptor releases the grab; the child's copy goes when the child does.
    this.closeDevice = () => handle.close();
    this.state = { connected: true };
    logger.info({ path, grabbed: grab }, 'HID button device connected');
    let stderr = '';
    reader.stderr?.on('data', (data: Buffer) => {
      stderr = (stderr + data.toString()).slice(-300);
    });
    reader.stdout?.on('data', (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) {
        const button = this.options.keys.get(event.code);
        if (button !== undefined) listener.edge(button, event.pressed);
      }
    });
    reader.on('error', (error) => logger.error({ path, err: error }, 'HID reader process failed'));
    reader.on('exit', () => {
      if (this.reader !== reader) return;
      void this.release().then(() => this.lost(listener, `${path} gone: ${stderr.trim() || 'end of input'}`));
    });
  }

  private async release(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    if (reader && reader.exitCode === null && reader.signalCode === null) {
      await new Promise<void>((resolve) => {
        reader.once('exit', () => resolve());
        reader.kill();
      });
    }
    const close = this.closeDevice;
    this.closeDevice = undefined;
    await close?.();
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
