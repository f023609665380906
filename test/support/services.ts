import type { TestContext } from 'node:test';
import { connect } from 'node:net';

/**
 * Guards a test that needs an outside service. Unreachable: under CI (CI=true) the test fails,
 * elsewhere it is skipped with the reason, so a developer without the service still gets a
 * useful run, and CI never passes by skipping.
 */
export async function requireService(t: TestContext, name: string, probe: () => Promise<void>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (error) {
    const reason = `${name} unreachable: ${(error as Error).message}`;
    if (process.env.CI === 'true')
      throw new Error(`${reason} (CI=true: services are required; run scripts/setup)`, { cause: error });
    t.skip(reason);
    return false;
  }
}

/** Resolves when something accepts TCP connections on host:port. */
export function tcpProbe(host: string, port: number, timeoutMs = 2000): () => Promise<void> {
  return () =>
    new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer from ${host}:${port} in ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.end();
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
}
