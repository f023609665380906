import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { tcpProbe } from '@earshot/test-kit/services';
import { tempDir } from '@earshot/test-kit/temp-dir';

/**
 * README's "Running the server", as written, on a machine `npm test` has set up: scripts/setup
 * starts Mosquitto on 1883, and the server with no configuration at all must still start (its
 * own broker's default port is 1884) and serve on 8080.
 */
describe("README's no-configuration start, beside the Mosquitto setup starts", () => {
  it('starts and serves /healthz on 127.0.0.1:8080', async () => {
    await tcpProbe('127.0.0.1', 1883, 2000)();
    const dir = await tempDir();
    const server = startProcess(process.execPath, [BIN.server], { cwd: dir.path });
    try {
      await server.waitForLine(/earshot server started/, 60_000);
      const response = await fetch('http://127.0.0.1:8080/healthz');
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { status: string }).status, 'ok');
    } finally {
      assert.equal(await server.stop(), 0, server.output());
      await dir.remove();
    }
  });
});
