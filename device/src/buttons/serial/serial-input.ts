import type { Logger } from '@earshot/shared/log';
import { SerialPort } from 'serialport';
import type { ButtonInput, InputHealth, InputListener } from '../button-input.js';
import { type LineProtocolOptions, parseLine } from './line-protocol.js';

export interface SerialInputOptions extends LineProtocolOptions {
  path: string;
  baudRate: number;
  reopenMs: number;
  logger: Logger;
}

/** Longest line kept; a box that never sends a newline must not grow memory. */
const MAX_LINE = 256;

/**
 * A USB serial button box speaking a line protocol ("BTN 3"). The port is reopened every
 * `reopenMs` for as long as it is gone, so unplugging and replugging the box needs no restart.
 */
export class SerialInput implements ButtonInput {
  readonly name: string;
  private port: SerialPort | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private state: InputHealth = { connected: false, detail: 'not started' };
  private listener: InputListener | undefined;

  constructor(private readonly options: SerialInputOptions) {
    this.name = `serial:${options.path}`;
  }

  health(): InputHealth {
    return this.state;
  }

  async start(listener: InputListener): Promise<void> {
    this.listener = listener;
    this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reopenTimer);
    const port = this.port;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private open(): void {
    if (this.stopped) return;
    const { path, baudRate, logger } = this.options;
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    this.port = port;
    port.open((error) => {
      if (error) {
        this.lost(`cannot open ${path}: ${error.message}`);
        return;
      }
      if (this.stopped) {
        port.close();
        return;
      }
      this.state = { connected: true };
      logger.info({ path }, 'serial button box connected');
    });
    let partial = '';
    port.on('data', (data: Buffer) => {
      const parts = (partial + data.toString('latin1')).split('\n');
      partial = parts.pop() ?? '';
      // A box that never sends a newline must not grow memory.
      if (partial.length > MAX_LINE) {
        this.line(partial);
        partial = '';
      }
      for (const line of parts) this.line(line);
    });
    port.on('close', (error: Error | null) => {
      if (!this.stopped) this.lost(`${path} closed${error ? `: ${error.message}` : ''}`);
    });
    port.on('error', (error) => logger.warn({ path, err: error }, 'serial port error'));
  }

  private lost(detail: string): void {
    if (this.stopped || this.reopenTimer) return;
    if (this.state.connected || this.state.detail !== detail) {
      this.options.logger.warn({ path: this.options.path, detail }, 'serial button box not connected; retrying');
    }
    this.state = { connected: false, detail };
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = undefined;
      this.open();
    }, this.options.reopenMs);
  }

  private line(line: string): void {
    const meaning = parseLine(line, this.options);
    if (meaning.type === 'press') this.listener?.press(meaning.button);
    else if (meaning.type === 'cancel') this.listener?.cancel();
    else
      this.options.logger.warn(
        { path: this.options.path, line: line.slice(0, 80), reason: meaning.reason },
        'serial line ignored',
      );
  }
}
