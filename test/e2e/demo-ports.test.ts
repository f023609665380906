import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '@earshot/test-kit/ports';
import { REPO_ROOT, startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';

/** The demo looks at its ports before it starts anything, and names the one that is taken. */
describe('the demo with a port taken', () => {
  for (const [variable, what] of [
    ['DEMO_HTTP_PORT', 'server API'],
    ['DEMO_MQTT_PORT', 'MQTT broker'],
    ['DEMO_DEVICE_PORT', 'device buttons'],
  ] as const) {
    it(`${variable}: exits 69 naming the port and the variable, with nothing started`, async () => {
      const dir = await tempDir();
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const port = (holder.address() as { port: number }).port;
      try {
        const env: NodeJS.ProcessEnv = {
          DEMO_DIR: join(dir.path, 'demo'),
          DEMO_HTTP_PORT: String(await freePort()),
          DEMO_MQTT_PORT: String(await freePort()),
          DEMO_DEVICE_PORT: String(await freePort()),
          [variable]: String(port),
        };
        const demo = startProcess('bash', [join(REPO_ROOT, 'scripts/demo')], { env });
        assert.equal(await demo.exited, 69, demo.output());
        assert.match(
          demo.output(),
          new RegExp(`^demo: port ${port} \\(${what}\\) is in use; .* choose another with ${variable}=<port>$`, 'm'),
        );
        assert.equal(existsSync(join(dir.path, 'demo', 'server.log')), false, 'no server was started');
        assert.doesNotMatch(demo.output(), /setup:/, 'nothing was installed or started before the check');
      } finally {
        holder.close();
        await dir.remove();
      }
    });
  }
});
