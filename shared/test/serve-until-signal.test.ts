import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type NotifySocket, startNotifySocket } from '@earshot/test-kit/notify-socket';
import { startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';

/** A service that is unwell while a given file exists. */
const SERVICE = `
import { existsSync } from 'node:fs';
import { serveUntilSignal } from ${JSON.stringify(new URL('../src/cli/serve-until-signal.js', import.meta.url).href)};
import { createLogger } from ${JSON.stringify(new URL('../src/log/logger.js', import.meta.url).href)};
const unwellFile = process.env.UNWELL_FILE;
const logger = createLogger({ name: 'fixture' });
process.exitCode = await serveUntilSignal(logger, async () => {}, {
  unwell: () => (existsSync(unwellFile) ? 'told to be unwell' : undefined),
});
`;

describe('serveUntilSignal and the systemd watchdog', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let socket: NotifySocket;
  before(async () => {
    dir = await tempDir();
    socket = await startNotifySocket();
  });
  after(async () => {
    await socket?.stop();
    await dir?.remove();
  });

  it('stops feeding the watchdog while the service is unwell, and resumes when it is well', async () => {
    const unwellFile = join(dir.path, 'unwell');
    const service = startProcess(process.execPath, ['--input-type=module', '-e', SERVICE], {
      env: { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '200000', UNWELL_FILE: unwellFile },
    });
    const pings = () => socket.assignments().filter((a) => a === 'WATCHDOG=1').length;
    try {
      await socket.waitFor('READY=1');
      await socket.waitFor('WATCHDOG=1', 3);

      await writeFile(unwellFile, '');
      await service.waitForLine(/not feeding the systemd watchdog/);
      // A ping may already be on its way (systemd-notify runs apart); then none for ten periods.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const withheld = pings();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal(pings(), withheld, 'no WATCHDOG=1 while unwell');
      assert.equal(
        service
          .output()
          .split('\n')
          .filter((line) => line.includes('not feeding')).length,
        1,
        'said once, not every period',
      );

      await rm(unwellFile);
      await service.waitForLine(/well again/);
      await socket.waitFor('WATCHDOG=1', withheld + 2);
    } finally {
      assert.equal(await service.stop(), 0, service.output());
    }
    await socket.waitFor('STOPPING=1');
  });
});
