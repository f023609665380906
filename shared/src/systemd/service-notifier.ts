import { execFile, spawnSync } from 'node:child_process';
import type { Logger } from 'pino';

/** What a daemon tells its service manager (sd_notify(3)); a no-op outside systemd. */
export interface ServiceNotifier {
  /** Half the service's `WatchdogSec=`, as sd_watchdog_enabled(3) advises; undefined: nobody watches. */
  readonly watchdogIntervalMs: number | undefined;
  ready(): Promise<void>;
  /** "Still alive and well": systemd restarts the service when these stop coming in time. */
  watchdog(): Promise<void>;
  stopping(): Promise<void>;
}

/** Outside systemd (NOTIFY_SOCKET unset): a terminal, a test, a container. */
class SilentNotifier implements ServiceNotifier {
  readonly watchdogIntervalMs = undefined;
  async ready(): Promise<void> {}
  async watchdog(): Promise<void> {}
  async stopping(): Promise<void> {}
}

/**
 * Sends through `systemd-notify` because Node has no unix datagram sockets and the npm packages
 * that add them are native addons. The unit needs `NotifyAccess=all` (the sender is a child, not
 * the main process). systemd-notify (since systemd 246) waits on a barrier until the manager has
 * read the message, so the message is not lost when the short-lived sender exits first.
 * Messages go out one at a time, in order.
 */
class SystemdNotifyCommand implements ServiceNotifier {
  private queue: Promise<void> = Promise.resolve();
  private failing = false;

  constructor(
    readonly watchdogIntervalMs: number | undefined,
    private readonly logger: Logger,
  ) {}

  ready(): Promise<void> {
    return this.send('READY=1');
  }

  watchdog(): Promise<void> {
    return this.send('WATCHDOG=1');
  }

  stopping(): Promise<void> {
    return this.send('STOPPING=1');
  }

  private send(assignment: string): Promise<void> {
    this.queue = this.queue.then(
      () =>
        new Promise<void>((resolve) => {
          execFile('systemd-notify', [assignment], { timeout: 10_000 }, (error, _stdout, stderr) => {
            if (error && !this.failing) {
              // Once per outage: a missing systemd-notify would otherwise log every watchdog period.
              this.logger.error({ err: error, stderr: stderr.trim(), assignment }, 'cannot notify systemd');
            } else if (!error && this.failing) {
              this.logger.info({ assignment }, 'notifying systemd works again');
            }
            this.failing = error !== null;
            resolve();
          });
        }),
    );
    return this.queue;
  }
}

/**
 * The notifier for this process's environment: NOTIFY_SOCKET says where systemd listens,
 * WATCHDOG_USEC (meant for us only if WATCHDOG_PID is unset or our pid) how often to ping.
 */
export function createServiceNotifier(logger: Logger, env: NodeJS.ProcessEnv = process.env): ServiceNotifier {
  if (!env['NOTIFY_SOCKET']) return new SilentNotifier();
  const usec = Number(env['WATCHDOG_USEC']);
  const forUs = env['WATCHDOG_PID'] === undefined || Number(env['WATCHDOG_PID']) === process.pid;
  const interval = forUs && Number.isFinite(usec) && usec > 0 ? Math.max(1, Math.floor(usec / 2000)) : undefined;
  return new SystemdNotifyCommand(interval, logger);
}

/**
 * A process about to exit on a failure tells systemd why: `systemctl status` then shows the
 * line (STATUS=) beside the exit code. Synchronous, since the process ends next; a no-op
 * outside systemd.
 */
export function notifyFailure(message: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!env['NOTIFY_SOCKET']) return;
  spawnSync('systemd-notify', [`STATUS=${message}`, 'STOPPING=1'], { timeout: 5_000, stdio: 'ignore' });
}
