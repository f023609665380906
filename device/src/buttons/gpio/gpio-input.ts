import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Logger } from '@earshot/shared/log';
import { Gpio } from 'onoff';
import type { ButtonInput, InputHealth, InputListener } from '../button-input.js';
import {
  GpioUnavailableError,
  headerChip,
  headerChipFromGpiodetect,
  readSysfsChips,
  sysfsNumber,
} from './gpio-chip.js';

export interface GpioInputOptions {
  /** BCM pin -> logical button. */
  pins: Map<number, number>;
  activeLow: boolean;
  sysfsRoot: string;
  /** The libgpiod tools used where sysfs GPIO is gone; names on PATH unless tests say otherwise. */
  gpiodetect?: string;
  gpiomon?: string;
  /** Wait before restarting a gpiomon that exited. */
  restartMs?: number;
  logger: Logger;
}

const INSTALL_HINT =
  "install libgpiod's tools (`sudo apt install gpiod`) or use a kernel with sysfs GPIO (CONFIG_GPIO_SYSFS)";

/** One gpiomon output line as printed with `-F "%o %e"`: line offset and edge (1 rising, 0 falling). */
export function parseGpiomonLine(line: string): { offset: number; rising: boolean } | undefined {
  const match = /^(\d+) ([01])$/.exec(line.trim());
  if (!match) return undefined;
  return { offset: Number(match[1]), rising: match[2] === '1' };
}

/**
 * Buttons on the Pi's header. Through sysfs with onoff (edge interrupts via epoll) where the
 * kernel still has it, with the BCM numbers shifted by the header chip's base; otherwise through
 * libgpiod's `gpiomon`, supervised. Active-low: the button pulls the pin to ground against a
 * pull-up resistor, so a loose wire reads "not pressed".
 */
export class GpioInput implements ButtonInput {
  readonly name = 'gpio';
  private readonly lines: Gpio[] = [];
  private monitor: ChildProcess | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private state: InputHealth = { connected: false, detail: 'not started' };

  constructor(private readonly options: GpioInputOptions) {}

  health(): InputHealth {
    return this.state;
  }

  async start(listener: InputListener): Promise<void> {
    const chips = await readSysfsChips(this.options.sysfsRoot);
    if (chips && chips.length > 0) return this.startSysfs(headerChip(chips), listener);
    const chip = await this.findChip();
    this.runGpiomon(chip, listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    for (const line of this.lines) {
      line.unwatchAll();
      line.unexport();
    }
    this.lines.length = 0;
    const monitor = this.monitor;
    if (monitor && monitor.exitCode === null) {
      await new Promise<void>((resolve) => {
        monitor.once('exit', () => resolve());
        monitor.kill();
      });
    }
  }

  private startSysfs(chip: { label: string; base: number; ngpio: number }, listener: InputListener): void {
    for (const [pin, button] of this.options.pins) {
      const number = sysfsNumber(chip, pin);
      let line: Gpio;
      try {
        line = new Gpio(number, 'in', 'both', { activeLow: this.options.activeLow });
      } catch (error) {
        throw new GpioUnavailableError(
          `cannot use BCM ${pin} (sysfs ${number} on ${chip.label}): ${(error as NodeJS.ErrnoException).code ?? String(error)}; ` +
            'the service user needs the gpio group, and no other program may hold the pin',
        );
      }
      line.watch((error, value) => {
        if (error) this.options.logger.error({ pin, err: error }, 'GPIO read failed');
        else listener.edge(button, value === 1);
      });
      this.lines.push(line);
    }
    this.state = { connected: true, detail: `sysfs ${chip.label} base ${chip.base}` };
  }

  private async findChip(): Promise<string> {
    try {
      const { stdout } = await promisify(execFile)(this.options.gpiodetect ?? 'gpiodetect', []);
      return headerChipFromGpiodetect(stdout);
    } catch (error) {
      if (error instanceof GpioUnavailableError) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new GpioUnavailableError(`no sysfs GPIO at ${this.options.sysfsRoot} and no gpiodetect: ${INSTALL_HINT}`);
      }
      throw new GpioUnavailableError(`gpiodetect failed: ${(error as Error).message}`);
    }
  }

  private runGpiomon(chip: string, listener: InputListener): void {
    const byOffset = this.options.pins;
    const args = ['-F', '%o %e'];
    // libgpiod can set the SoC's pull-up, which sysfs never could; the external one stays documented.
    if (this.options.activeLow) args.push('-B', 'pull-up');
    args.push(chip, ...[...byOffset.keys()].map(String));
    const monitor = spawn(this.options.gpiomon ?? 'gpiomon', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.monitor = monitor;
    this.state = { connected: true, detail: `gpiomon ${chip}` };
    let stderr = '';
    monitor.stderr?.on('data', (data: Buffer) => {
      stderr = (stderr + data.toString()).slice(-500);
    });
    createInterface({ input: monitor.stdout }).on('line', (line) => {
      const event = parseGpiomonLine(line);
      const button = event && byOffset.get(event.offset);
      if (!event || button === undefined) {
        this.options.logger.warn({ line }, 'unexpected gpiomon output ignored');
        return;
      }
      listener.edge(button, event.rising !== this.options.activeLow);
    });
    monitor.on('error', (error: NodeJS.ErrnoException) => {
      const detail =
        error.code === 'ENOENT' ? `gpiomon not found: ${INSTALL_HINT}` : `gpiomon failed: ${error.message}`;
      this.state = { connected: false, detail };
      this.options.logger.error({ err: error }, detail);
    });
    monitor.on('exit', (code, signal) => {
      if (this.stopped) return;
      const detail = `gpiomon exited (${signal ?? code}): ${stderr.trim() || 'no message'}`;
      if (this.state.connected) this.state = { connected: false, detail };
      this.options.logger.error({ code, signal, stderr: stderr.trim() }, 'gpiomon exited; restarting');
      this.restartTimer = setTimeout(() => this.runGpiomon(chip, listener), this.options.restartMs ?? 2000);
    });
  }
}
