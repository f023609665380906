import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';

const PROVISION = fileURLToPath(new URL('../../../bin/earshot-server.js', import.meta.url));

/** `scripts/provision` against a stand-in server that records every call it gets. */
describe('provisioning checks its inputs before it registers anything', () => {
  const calls: string[] = [];
  let server: Server;
  let url = '';
  let dir: { path: string; remove: () => Promise<void> };

  before(async () => {
    dir = await tempDir();
    server = createServer((req, res) => {
      calls.push(`${req.method} ${req.url}`);
      req.resume();
      const body = req.url?.endsWith('/claim-tokens')
        ? { token: 'ect_test', expiresAt: '2026-01-02T00:00:00.000Z' }
        : { id: 'pi-1' };
      res.writeHead(req.url?.endsWith('/claim-tokens') ? 201 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await dir.remove();
  });

  const provision = async (...args: string[]) => {
    const run = startProcess(process.execPath, [
      PROVISION,
      'provision',
      '--server',
      url,
      '--api-token',
      'es_x',
      ...args,
    ]);
    return { code: await run.exited, output: run.output() };
  };

  it('refuses a --config-out into a missing folder with no registration and no stack trace', async () => {
    calls.length = 0;
    const { code, output } = await provision('--device', 'pi-1', '--config-out', join(dir.path, 'nope', 'device.json'));
    assert.equal(code, 64, output);
    assert.match(output, /--config-out: folder .*nope does not exist; create it first/);
    assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
    assert.deepEqual(calls, [], 'nothing registered, no claim token issued');
  });

  it('refuses a boot target that is missing, or a firstrun target without cmdline.txt, before registering', async () => {
    calls.length = 0;
    const boot = [
      '--hostname',
      'pi-1',
      '--ssh-key',
      'ssh-ed25519 AAAA x',
      '--timezone',
      'UTC',
      '--package',
      'https://x/e.tgz',
    ];
    const missing = await provision('--device', 'pi-1', '--boot', join(dir.path, 'no-card'), ...boot);
    assert.equal(missing.code, 64, missing.output);
    assert.match(missing.output, /--boot: .*no-card does not exist/);
    const empty = await provision('--device', 'pi-1', '--boot', dir.path, '--style', 'firstrun', ...boot);
    assert.equal(empty.code, 64, empty.output);
    assert.match(empty.output, /--boot: no cmdline.txt in/);
    assert.deepEqual(calls, []);
  });

  it('warns loudly about a plain-HTTP, loopback --server and still provisions', async () => {
    calls.length = 0;
    const file = join(dir.path, 'device.json');
    const { code, output } = await provision('--device', 'pi-1', '--config-out', file);
    assert.equal(code, 0, output);
    assert.match(output, /WARNING: --server http:\/\/127\.0\.0\.1:\d+ is plain HTTP/);
    assert.match(output, /WARNING: --server http:\/\/127\.0\.0\.1:\d+ is a loopback address/);
    assert.deepEqual(calls, ['PUT /api/v1/devices/pi-1', 'POST /api/v1/devices/pi-1/claim-tokens']);
    assert.equal((JSON.parse(await readFile(file, 'utf8')) as { deviceId: string }).deviceId, 'pi-1');
  });
});
