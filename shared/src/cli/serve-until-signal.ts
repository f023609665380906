import type { Logger } from 'pino';
import { createServiceNotifier } from '../systemd/service-notifier.js';

/** A stop that hangs (a peer that never answers) must not keep the service from restarting. */
const SHUTDOWN_DEADLINE_MS = 10_000;

export interface ServeOptions {
  /**
   * Why the service is not well, or undefined when it is: while it says something, systemd's
   * watchdog is not fed and restarts the service. Only for faults a restart cures (a wedged
   * supervisor), never for the outside world (a dead microphone, an unreachable broker).
   */
  unwell?: () => string | undefined;
}

/**
 * Runs a started service until SIGTERM or SIGINT, then stops it, within a deadline. Under systemd
 * (`Type=notify`) it reports READY=1 now, WATCHDOG=1 every half watchdog period while the event
 * loop turns and `unwell` has nothing to say, and STOPPING=1 when the signal comes.
 */
export async function serveUntilSignal(
  logger: Logger,
  stop: () => Promise<void>,
  options: ServeOptions = {},
): Promise<number> {
  const notifier = createServiceNotifier(logger.child({ component: 'systemd' }));
  await notifier.ready();
  let watchdog: NodeJS.Timeout | undefined;
  if (notifier.watchdogIntervalMs !== undefined) {
    let withheld = false;
    watchdog = setInterval(() => {
      const problem = options.unwell?.();
      if (problem === undefined) {
        if (withheld) logger.info('well again: feeding the systemd watchdog');
        withheld = false;
        void notifier.watchdog();
      } else if (!withheld) {
        withheld = true;
        logger.error({ problem }, 'unwell: not feeding the systemd watchdog, which will restart the service');
      }
    }, notifier.watchdogIntervalMs);
    // Ping right away too: the first period must not depend on the timer's first turn.
    void notifier.watchdog();
  }
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  clearInterval(watchdog);
  logger.info({ signal }, 'stopping');
  await notifier.stopping();
  const deadline = setTimeout(() => {
    logger.error({ afterMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting anyway');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  await stop();
  logger.info('stopped');
  return 0;
}
