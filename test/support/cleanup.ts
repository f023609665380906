import type { TestContext } from 'node:test';

/**
 * Returns `defer(fn)`: deferred cleanups run after the test, newest first (stop the process, then
 * remove its directory). node:test runs `after` hooks oldest first, and a failing hook skips the
 * rest; here every cleanup runs, and the first error is reported.
 */
export function deferrer(t: TestContext): (cleanup: () => unknown) => void {
  const stack: (() => unknown)[] = [];
  t.after(async () => {
    let failure: unknown;
    for (let cleanup = stack.pop(); cleanup; cleanup = stack.pop()) {
      try {
        await cleanup();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  });
  return (cleanup) => {
    stack.push(cleanup);
  };
}
