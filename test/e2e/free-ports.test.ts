import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { ephemeralPorts, freePort } from '../support/ports.js';

/**
 * The suite's own ports (test/support/ports.ts): every test that starts a server asks for one.
 * A port from the ephemeral range could be taken by any process's next outgoing connection
 * before the server bound it, and the server then failed to start.
 */
describe('ports for test servers', () => {
  it('are free, and outside the range outgoing connections take theirs from', async () => {
    const ephemeral = await ephemeralPorts();
    for (let i = 0; i < 50; i++) {
      const port = await freePort();
      assert.ok(port < ephemeral.from, `${port} is below the ephemeral range ${ephemeral.from}-${ephemeral.to}`);
      await new Promise<void>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
      });
    }
  });
});
