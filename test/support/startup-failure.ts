import assert from 'node:assert/strict';
import type { RunningProcess } from './processes.js';

/** Long enough for any start on a loaded machine; only there so a hang fails instead of blocking the suite. */
const HANG_GUARD_MS = 60_000;

/**
 * A start that must fail: the process ends by itself with `exitCode`, says `message` in one line
 * and shows no stack trace, and is gone afterwards (no process with its pid).
 */
export async function assertStartupFailure(run: RunningProcess, exitCode: number, message: RegExp): Promise<string> {
  let guard: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    guard = setTimeout(() => resolve('hung'), HANG_GUARD_MS);
  });
  const ended = await Promise.race([run.exited, hung]);
  clearTimeout(guard);
  if (ended === 'hung') {
    await run.stop();
    assert.fail(`still running ${HANG_GUARD_MS / 1000} s after start; output:\n${run.output()}`);
  }
  const output = run.output();
  assert.equal(ended, exitCode, `exit status; output:\n${output}`);
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const line = lines.find((candidate) => message.test(candidate));
  assert.ok(line, `no line matching ${message}; output:\n${output}`);
  assert.doesNotMatch(output, /^\s+at /m, 'no stack trace');
  assert.throws(() => process.kill(run.child.pid as number, 0), { code: 'ESRCH' }, 'the process is gone');
  return line;
}
