import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNotifySocket, type NotifySocket } from '@earshot/test-kit/notify-socket';
import { freePort } from '@earshot/test-kit/ports';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';

/** 200 ms: the daemons then ping every 100 ms, so a few pings arrive quickly. */
const WATCHDOG_USEC = '200000';

/**
 * The sd_notify protocol as systemd sees it, over a real unix datagram socket: the real
 * executables must say READY=1 once started, WATCHDOG=1 while running and STOPPING=1 on SIGTERM,
 * in that order, and exit cleanly.
 */
describe('systemd notification from the daemons', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let socket: NotifySocket;

  before(async () => {
    dir = await tempDir();
  });
  after(async () => {
    await socket?.stop();
    await dir?.remove();
  });

  async function lifecycle(
    args: string[],
    startedLine: RegExp,
    env: NodeJS.ProcessEnv,
    pings: boolean,
  ): Promise<string[]> {
    socket = await startNotifySocket();
    const daemon = startProcess(process.execPath, args, { env: { NOTIFY_SOCKET: socket.path, ...env } });
    try {
      await daemon.waitForLine(startedLine);
      await socket.waitFor('READY=1');
      if (pings) await socket.waitFor('WATCHDOG=1', 3);
      // Ten watchdog periods in which a ping would have been sent, were one due.
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      assert.equal(await daemon.stop(), 0, daemon.output());
    }
    await socket.waitFor('STOPPING=1');
    const received = socket.assignments();
    await socket.stop();
    return received;
  }

  function assertOrder(received: string[], pings: boolean): void {
    assert.equal(received.filter((a) => a === 'READY=1').length, 1);
    assert.ok(received.indexOf('READY=1') < received.indexOf('STOPPING=1'));
    assert.equal(received.filter((a) => a === 'STOPPING=1').length, 1);
    const kinds = received.filter((a) => a !== 'BARRIER=1');
    assert.equal(kinds.at(-1), 'STOPPING=1', `nothing after STOPPING=1: ${kinds.join(' ')}`);
    if (pings) assert.ok(kinds.indexOf('WATCHDOG=1') > kinds.indexOf('READY=1'));
    else assert.equal(kinds.includes('WATCHDOG=1'), false, 'no watchdog was asked for');
  }

  it('earshot-device: READY=1, WATCHDOG=1 while running, STOPPING=1 on SIGTERM', async () => {
    const audio = join(dir.path, 'noise.raw');
    await writeFile(audio, Buffer.alloc(16_000 * 2, 0x11));
    await writeFile(
      join(dir.path, 'device.json'),
      JSON.stringify({
        deviceId: 'till-notify',
        stateDir: join(dir.path, 'device'),
        audio: { source: { type: 'file', path: audio }, bufferSeconds: 10 },
        clips: { preSeconds: 1, postSeconds: 1, format: 'wav' },
        // Nothing listens there: the daemon is well even while its broker is away.
        mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` },
        http: { port: 0 },
      }),
    );
    const received = await lifecycle(
      [BIN.device, '--config', join(dir.path, 'device.json')],
      /device started/,
      {
        WATCHDOG_USEC,
      },
      true,
    );
    assertOrder(received, true);
  });

  it('earshot-server: the same, and no WATCHDOG=1 when the watchdog is meant for another process', async () => {
    await writeFile(
      join(dir.path, 'server.json'),
      JSON.stringify({
        dataDir: join(dir.path, 'server'),
        http: { port: await freePort() },
        mqtt: { port: await freePort() },
      }),
    );
    const args = [BIN.server, '--config', join(dir.path, 'server.json')];
    assertOrder(await lifecycle(args, /earshot server started/, { WATCHDOG_USEC }, true), true);
    // WATCHDOG_PID names the process systemd watches; pid 1 is never this daemon.
    const other = await lifecycle(args, /earshot server started/, { WATCHDOG_USEC, WATCHDOG_PID: '1' }, false);
    assertOrder(other, false);
  });

  it('a start that fails: systemd reads why (STATUS=) and STOPPING=1, never READY=1', async () => {
    socket = await startNotifySocket();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const daemon = startProcess(process.execPath, [BIN.server], {
        env: {
          NOTIFY_SOCKET: socket.path,
          EARSHOT_DATA_DIR: join(dir.path, 'failing'),
          EARSHOT_HTTP__PORT: String(port),
          EARSHOT_MQTT__PORT: '0',
          EARSHOT_TRANSCRIPTION__ENABLED: 'false',
        },
      });
      assert.equal(await daemon.exited, 69, daemon.output());
      await socket.waitFor('STOPPING=1');
      const received = socket.assignments();
      assert.ok(
        received.some((a) => a.startsWith(`STATUS=earshot-server: HTTP port ${port} is in use`)),
        received.join(' '),
      );
      assert.equal(received.includes('READY=1'), false);
    } finally {
      holder.close();
    }
  });
});
