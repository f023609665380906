import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@earshot/test-kit/ports';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { assertStartupFailure } from '@earshot/test-kit/startup-failure';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { unprivilegedUser } from '@earshot/test-kit/unprivileged';

/**
 * `earshot-device` ends by itself, with one line and its sysexits code, when it cannot start:
 * a technician at the Pi's console reads the cause and the fix, and systemd restarts nothing
 * that serves nobody. The broker being away is not such a failure: the device records offline.
 */
describe('earshot-device start-up failures', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let holder: Server | undefined;
  let source: string;

  before(async () => {
    dir = await tempDir();
    await chmod(dir.path, 0o755);
    source = join(dir.path, 'silence.raw');
    await writeFile(source, Buffer.alloc(16000 * 2));
    await chmod(source, 0o644);
  });
  after(async () => {
    holder?.close();
    await dir.remove();
  });

  let runs = 0;
  async function device(overrides: Record<string, unknown>, user = undefined as ReturnType<typeof unprivilegedUser>) {
    const run = join(dir.path, `run-${++runs}`);
    await mkdir(run, { recursive: true });
    await chmod(run, 0o777);
    const config = join(run, 'device.json');
    await writeFile(
      config,
      JSON.stringify({
        deviceId: 'till-1',
        stateDir: join(run, 'state'),
        audio: { source: { type: 'file', path: source, loop: true }, bufferSeconds: 130 },
        // Nobody listens there: the device must start anyway and keep its clips for later.
        mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` },
        http: { host: '127.0.0.1', port: 0 },
        ...overrides,
      }),
    );
    await chmod(config, 0o644);
    return startProcess(process.execPath, [BIN.device, '--config', config], {
      env: { EARSHOT_LOG_LEVEL: 'warn' },
      user,
    });
  }

  it('the press endpoint port in use: 69, names the port and the setting', async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder?.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const run = await device({ http: { host: '127.0.0.1', port } });
    await assertStartupFailure(
      run,
      69,
      new RegExp(
        `^earshot-device: the press endpoint \\(HTTP\\) port ${port} is in use on 127\\.0\\.0\\.1 \\(set http\\.port`,
      ),
    );
  });

  it('a state directory it cannot write: 73, names the folder and the setting', async () => {
    const locked = join(dir.path, 'locked');
    await mkdir(locked, { recursive: true });
    await chmod(locked, 0o555);
    const stateDir = join(locked, 'state');
    const run = await device({ stateDir }, unprivilegedUser());
    await assertStartupFailure(
      run,
      73,
      new RegExp(`the state directory ${stateDir} is not writable: permission denied .*\\(set stateDir`),
    );
  });

  it('press against a daemon that is not running: one line, 69', async () => {
    const port = await freePort();
    const run = startProcess(process.execPath, [BIN.device, 'press', '1'], {
      env: { EARSHOT_DEVICE_ID: 'till-1', EARSHOT_HTTP__PORT: String(port), EARSHOT_HTTP__HOST: '127.0.0.1' },
    });
    await assertStartupFailure(
      run,
      69,
      new RegExp(
        `^earshot-device: no daemon answers on http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): is earshot-device running\\?`,
      ),
    );
  });
});
