import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ClipMeta } from '@earshot/shared/protocol';

export type ClockSync = ClipMeta['clock'];

/** Runs a command and resolves with its stdout; rejects if it cannot run or fails. */
export type CommandRunner = (command: string, args: string[]) => Promise<string>;

const execFileAsync = promisify(execFile);
const runCommand: CommandRunner = async (command, args) =>
  (await execFileAsync(command, args, { timeout: 2000 })).stdout;

/**
 * Whether the system clock is synchronised, and how far off chrony thinks it is: written into
 * every clip so that a listener can tell how much to trust its wall-clock labels. Asked of
 * systemd (`timedatectl`, any NTP client) and chrony (`chronyc tracking`, which also gives the
 * offset); when neither answers (a container, another NTP daemon) the answer is "unknown"
 * (`synchronized: null`). Probed in the background: a press never waits for it.
 */
export class ClockSyncProbe {
  private latest: ClockSync = { synchronized: null };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly periodMs = 60_000,
    private readonly run: CommandRunner = runCommand,
  ) {}

  get current(): ClockSync {
    return this.latest;
  }

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<ClockSync> {
    const [systemd, chrony] = await Promise.all([
      this.run('timedatectl', ['show', '-p', 'NTPSynchronized', '--value']).then(parseTimedatectl, () => undefined),
      this.run('chronyc', ['-c', 'tracking']).then(parseChronyTracking, () => undefined),
    ]);
    const synchronized = systemd ?? chrony?.synchronized ?? null;
    this.latest = chrony?.offsetMs === undefined ? { synchronized } : { synchronized, offsetMs: chrony.offsetMs };
    return this.latest;
  }
}

/** `timedatectl show -p NTPSynchronized --value` prints `yes` or `no`. */
export function parseTimedatectl(stdout: string): boolean | undefined {
  const value = stdout.trim();
  return value === 'yes' ? true : value === 'no' ? false : undefined;
}

/**
 * `chronyc -c tracking`: comma-separated; field 5 is the system time offset in seconds, signed as
 * chrony's "System time ... slow/fast of NTP time" (positive: slow), the last field the leap status.
 */
export function parseChronyTracking(stdout: string): { synchronized: boolean; offsetMs?: number } | undefined {
  const fields = stdout.trim().split(',');
  if (fields.length < 14) return undefined;
  const offsetSeconds = Number(fields[4]);
  const leap = (fields[fields.length - 1] as string).trim();
  const synchronized = leap !== 'Not synchronised' && fields[0] !== '00000000';
  return Number.isFinite(offsetSeconds)
    ? { synchronized, offsetMs: Math.round(offsetSeconds * 1e6) / 1000 }
    : { synchronized };
}
