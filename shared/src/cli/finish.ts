import { ConfigError } from '../config/load-config.js';
import { notifyFailure } from '../systemd/service-notifier.js';
import { EX_CONFIG, EX_SOFTWARE, EX_USAGE } from './exit-codes.js';
import { StartupFailure } from './startup-failure.js';

/** A mistake in the command line: printed with the usage text, exit 64. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** How a failed command ends: what stderr says and the sysexits code. */
export interface Ending {
  message: string;
  exitCode: number;
}

/**
 * The words and code for an error that ended a command. Foreseen failures (configuration, usage,
 * start-up) are one line that names the cause and the fix. An unforeseen one is one line too;
 * its stack only with `EARSHOT_LOG_LEVEL=debug` (or trace), for whoever debugs it.
 */
export function ending(
  name: string,
  usage: string,
  error: unknown,
  usageErrors: (new (...args: never[]) => Error)[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Ending {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ConfigError) return { message: `${name}: ${message}`, exitCode: EX_CONFIG };
  if (error instanceof StartupFailure) return { message: `${name}: ${message}`, exitCode: error.exitCode };
  if (
    error instanceof UsageError ||
    usageErrors.some((kind) => error instanceof kind) ||
    (error as { code?: string } | undefined)?.code?.startsWith('ERR_PARSE_ARGS')
  ) {
    return { message: `${name}: ${message}\n\n${usage}`, exitCode: EX_USAGE };
  }
  const debugging = env['EARSHOT_LOG_LEVEL'] === 'debug' || env['EARSHOT_LOG_LEVEL'] === 'trace';
  const detail = debugging && error instanceof Error && error.stack ? error.stack : message;
  const hint = debugging ? '' : ' (unexpected; EARSHOT_LOG_LEVEL=debug shows where it came from)';
  return { message: `${name}: ${detail.replaceAll('\n', debugging ? '\n' : ' ')}${hint}`, exitCode: EX_SOFTWARE };
}

/**
 * The end of an executable: its exit code, or for an error the one line of `ending` and its code.
 * After an error the process exits at once: whatever the failed start left open (a timer, a
 * socket, a pool) must not keep a process alive that serves nothing.
 */
export function finish(
  name: string,
  usage: string,
  run: Promise<number>,
  usageErrors: (new (...args: never[]) => Error)[] = [],
): void {
  run.then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const { message, exitCode } = ending(name, usage, error, usageErrors);
      // stderr is synchronous for files and pipes on Linux: the line is out before the exit.
      process.stderr.write(`${message}\n`);
      notifyFailure(message.split('\n')[0] as string);
      process.exit(exitCode);
    },
  );
}
