import type { Logger } from '@earshot/shared/log';
import type { DeviceConfig } from '../config/device-config.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One line of the doctor's table: what was found, and what to do when it is not a pass. */
export interface CheckResult {
  check: string;
  status: CheckStatus;
  /** What was found, in a technician's words. */
  summary: string;
  /** What to do about a warning or a failure. */
  action?: string;
  /** Figures for scripts (`--json`): levels, counts, bytes. */
  details?: Record<string, unknown>;
}

/** How the technician is reached: interactively (a terminal) or not at all (`--json`, a script). */
export interface Technician {
  readonly interactive: boolean;
  /** A line for the technician while a check runs (stderr: stdout is the report). */
  readonly say: (line: string) => void;
}

export interface DoctorContext {
  config: DeviceConfig;
  technician: Technician;
  logger: Logger;
  /** Seconds of audio to record for the level check. */
  recordSeconds: number;
  /** Non-interactive: how long presses are collected. Interactive: how long to wait for each button. */
  pressSeconds: number;
}

/** One self-test: never throws; a problem it cannot get past is its own `fail`. */
export interface Check {
  readonly name: string;
  run(context: DoctorContext): Promise<CheckResult>;
}
