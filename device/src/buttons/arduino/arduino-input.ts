import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@earshot/shared/log';
import type { ButtonInput, InputHealth, InputListener } from '../button-input.js';
import type { BoardChildOptions, FromBoard, ToBoard } from './board-protocol.js';

const BOARD_PROCESS = fileURLToPath(new URL('./board-process.js', import.meta.url));

export interface ArduinoInputOptions {
  port: string;
  /** Digital pin -> logical button. */
  pins: Map<number, number>;
  ledPin?: number | undefined;
  readyTimeoutMs: number;
  restartInitialMs: number;
  restartMaxMs: number;
  logger: Logger;
  /** The child's module: the real board child unless a test gives its own. */
  childModule?: string;
}

/**
 * An Arduino with StandardFirmata, run in a supervised child process: an unplugged cable ends
 * the child, never the daemon, and a new child is started with backoff until the board answers
 * again. The LED state is kept here and handed to every new child.
 */
export class ArduinoInput implements ButtonInput {
  readonly name: string;
  private child: ChildProcess | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private stopped = false;
  private ledOn = false;
  private state: InputHealth = { connected: false, detail: 'not started' };

  constructor(private readonly options: ArduinoInputOptions) {
    this.name = `arduino:${options.port}`;
    this.delayMs = options.restartInitialMs;
  }

  health(): InputHealth {
    return this.state;
  }

  async start(listener: InputListener): Promise<void> {
    this.spawn(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      });
    }
  }

  /** The board's LED, for feedback; remembered across reconnections. */
  led(on: boolean): void {
    this.ledOn = on;
    this.tell({ type: 'led', on });
  }

  private tell(message: ToBoard): void {
    const child = this.child;
    if (child?.connected && this.state.connected) child.send(message, () => {});
  }

  private spawn(listener: InputListener): void {
    if (this.stopped) return;
    const { port, pins, ledPin, readyTimeoutMs, logger } = this.options;
    const childOptions: BoardChildOptions = { port, pins: [...pins.keys()], ledPin, readyTimeoutMs };
    const child = fork(this.options.childModule ?? BOARD_PROCESS, [JSON.stringify(childOptions)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: [],
    });
    this.child = child;
    let stderr = '';
    let lostReason: string | undefined;
    child.stderr?.on('data', (data: Buffer) => {
      stderr = (stderr + data.toString()).slice(-1000);
    });
    child.on('message', (message: FromBoard) => {
      if (message.type === 'ready') {
        this.state = { connected: true };
        this.delayMs = this.options.restartInitialMs;
        logger.info({ port }, 'Arduino connected');
        this.tell({ type: 'led', on: this.ledOn });
      } else if (message.type === 'edge') {
        const button = pins.get(message.pin);
        if (button !== undefined) listener.edge(button, message.pressed);
      } else {
        lostReason = message.reason;
      }
    });
    // A failed spawn or IPC send; the process's end, if any, is handled on 'exit'.
    child.on('error', (error) => logger.error({ port, err: error }, 'Arduino board process error'));
    child.on('exit', (code, signal) => {
      if (this.stopped) return;
      const detail =
        lostReason ?? `board process exited (${signal ?? code}): ${stderr.trim().slice(-300) || 'no message'}`;
      const previous = this.state;
      this.state = { connected: false, detail };
      if (previous.connected) logger.warn({ port, detail }, 'Arduino lost; restarting its process');
      else if (previous.detail !== detail) logger.warn({ port, detail }, 'Arduino not answering; retrying');
      this.restartTimer = setTimeout(() => this.spawn(listener), this.delayMs);
      this.delayMs = Math.min(this.delayMs * 2, this.options.restartMaxMs);
    });
  }
}
