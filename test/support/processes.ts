import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's root, from test/dist/support/. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const BIN = {
  server: `${REPO_ROOT}server/bin/earshot-server.js`,
  device: `${REPO_ROOT}device/bin/earshot-device.js`,
};

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first output line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends a signal to the process (to its whole group when started with processGroup). */
  signal(name: NodeJS.Signals): void;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

export function startProcess(
  command: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    user?: { uid: number; gid: number };
    /**
     * Its own process group, signalled as a whole, as a terminal's Ctrl-C reaches every process
     * of a command (`npm run x` and the script it runs); stop() then ends them all.
     */
    processGroup?: boolean;
  } = {},
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    ...options.user,
    detached: options.processGroup === true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const signal = (name: NodeJS.Signals) => {
    if (options.processGroup && child.pid !== undefined) {
      try {
        process.kill(-child.pid, name);
      } catch {
        // the group is gone already
      }
    } else child.kill(name);
  };
  let text = '';
  const watchers = new Set<(line: string) => void>();
  let partial = '';
  const onData = (data: Buffer) => {
    const chunk = data.toString('utf8');
    text += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) for (const watcher of watchers) watcher(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    child,
    exited,
    output: () => text,
    waitForLine(pattern, timeoutMs = 30_000) {
      const already = text.split('\n').find((line) => pattern.test(line));
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(watch);
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${text.slice(-4000)}`));
        }, timeoutMs);
        const watch = (line: string) => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          watchers.delete(watch);
          resolve(line);
        };
        watchers.add(watch);
        void exited.then((code) => {
          if (!watchers.has(watch)) return;
          clearTimeout(timer);
          watchers.delete(watch);
          reject(
            new Error(`process exited (${code}) before a line matching ${pattern}; output:\n${text.slice(-4000)}`),
          );
        });
      });
    },
    signal,
    async stop(graceMs = 5000) {
      if (child.exitCode === null && child.signalCode === null) {
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}

/** Polls `probe` until it returns something other than undefined. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}
