import { mkdir, open, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { EX_CANTCREAT, EX_NOPERM, EX_UNAVAILABLE } from './exit-codes.js';

/**
 * A reason the process cannot start or do what it was asked, already worded for a technician:
 * one line naming the cause and the fix, and the sysexits code to end with. No stack trace is
 * shown for it: the message is the whole story.
 */
export class StartupFailure extends Error {
  override name = 'StartupFailure';

  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The Node.js system error fields these explanations read. */
interface SystemError {
  code?: string;
  path?: string;
  syscall?: string;
}

function systemError(error: unknown): SystemError {
  return typeof error === 'object' && error !== null ? error : {};
}

export interface Listener {
  /** What listens, as the technician knows it: "HTTP", "MQTT", "the press endpoint". */
  what: string;
  host: string;
  port: number;
  /** The config key of the port, named in the advice. */
  portKey: string;
  /** What probably holds the port, and the other ways out, e.g. "is Mosquitto running?". */
  inUseHint?: string;
}

/** A failed listen(), explained; any other error is returned as it is. */
export function explainListenError(listener: Listener, error: unknown): unknown {
  const { what, host, port, portKey, inUseHint } = listener;
  switch (systemError(error).code) {
    case 'EADDRINUSE':
      return new StartupFailure(
        `${what} port ${port} is in use on ${host} (${inUseHint === undefined ? '' : `${inUseHint} `}set ${portKey} to a free port, or stop what holds it)`,
        EX_UNAVAILABLE,
        { cause: error },
      );
    case 'EACCES':
    case 'EPERM':
      return new StartupFailure(
        `${what} port ${port} needs privileges (set ${portKey} above 1023, or grant CAP_NET_BIND_SERVICE)`,
        EX_NOPERM,
        { cause: error },
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupFailure(
        `${what} cannot listen on ${host}: no such address on this machine (check the host setting next to ${portKey})`,
        EX_UNAVAILABLE,
        { cause: error },
      );
    default:
      return error;
  }
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC', 'EDQUOT']);

/**
 * A folder the process must write (data, clips, state), made if missing and proven writable by
 * creating and removing a file in it, so that a bad mount or owner fails now with its name rather
 * than at the first press or clip.
 */
export async function ensureWritableDir(what: string, dir: string, key: string): Promise<void> {
  const probe = join(dir, `.earshot-write-check-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const handle = await open(probe, 'w', 0o600);
    await handle.close();
    await rm(probe, { force: true });
  } catch (error) {
    throw explainWriteError(what, dir, key, error);
  }
}

/** A failed mkdir/open/write in a folder the process must write, explained. */
export function explainWriteError(what: string, dir: string, key: string, error: unknown): unknown {
  const code = systemError(error).code;
  if (code === undefined || !NOT_WRITABLE.has(code)) return error;
  const why =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'the disk is full'
      : code === 'EROFS'
        ? 'the file system is read-only'
        : code === 'ENOTDIR' || code === 'EEXIST'
          ? 'part of the path is a file'
          : `permission denied for user ${userName()}`;
  return new StartupFailure(
    `${what} ${dir} is not writable: ${why} (${code}) (set ${key}, or make it writable by this user)`,
    EX_CANTCREAT,
    { cause: error },
  );
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
