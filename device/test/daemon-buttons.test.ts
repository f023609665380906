import assert from 'node:assert/strict';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateConfig } from '@earshot/shared/config';
import { wavHeader } from '@earshot/shared/wav';
import { captureLog } from '@earshot/test-kit/log-capture';
import { freePort } from '@earshot/test-kit/ports';
import { startProcess, waitFor } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { DeviceConfigSchema } from '../src/config/device-config.js';
import { DeviceDaemon } from '../src/daemon.js';

interface Status {
  presses: number;
  pendingClips: number;
  bufferedSeconds: number;
  buttons: { inputs: { name: string; connected: boolean }[] };
  problems: string[];
}

describe('daemon with a serial button box', () => {
  it('takes presses and the cancel gesture from the box through the one press path, and reports problems', async () => {
    const dir = await tempDir('earshot-daemon-buttons-');
    const cable = startProcess('socat', [
      '-d',
      '-d',
      `pty,raw,echo=0,link=${join(dir.path, 'device')}`,
      `pty,raw,echo=0,link=${join(dir.path, 'box')}`,
    ]);
    await cable.waitForLine(/starting data transfer loop/);
    const format = { sampleRate: 8000, channels: 1, bitsPerSample: 16 as const };
    const wav = join(dir.path, 'room.wav');
    await writeFile(wav, Buffer.concat([wavHeader(format, 16_000), Buffer.alloc(16_000)]));
    const closedPort = await freePort();
    const config = validateConfig(DeviceConfigSchema, {
      deviceId: 'counter-1',
      stateDir: join(dir.path, 'state'),
      audio: { source: { type: 'file', path: wav }, sampleRate: 8000 },
      clips: { preSeconds: 5, postSeconds: 30, buttons: 4 },
      mqtt: { url: `mqtt://127.0.0.1:${closedPort}` },
      http: { port: 0 },
      inputs: [{ type: 'serial', path: join(dir.path, 'device'), reopenSeconds: 0.1 }],
    });
    const log = captureLog();
    const daemon = new DeviceDaemon(config, log.logger);
    const { httpPort } = await daemon.start();
    const status = async () => (await (await fetch(`http://127.0.0.1:${httpPort}/api/v1/status`)).json()) as Status;
    const box = async (line: string) => {
      const handle = await open(join(dir.path, 'box'), 'r+');
      await handle.write(`${line}\n`);
      await handle.close();
    };
    try {
      await waitFor('audio and the box', async () => {
        const s = await status();
        return s.bufferedSeconds > 0 && s.buttons.inputs[0]?.connected ? s : undefined;
      });
      await box('BTN 3');
      await waitFor('press', async () => ((await status()).presses === 1 ? true : undefined));
      const press = log.withMessage('press')[0];
      assert.equal(press?.['button'], 3);
      assert.equal(press?.['input'], `serial:${join(dir.path, 'device')}`);

      await box('CANCEL');
      await waitFor('cancel', async () => (log.withMessage('cancel').length === 1 ? true : undefined));
      assert.equal(log.withMessage('cancel')[0]?.['cancelled'], true, 'the clip was still in its post-roll');
      const again = await fetch(`http://127.0.0.1:${httpPort}/api/v1/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(again.status, 409, 'nothing left to cancel');

      const problems = (await status()).problems;
      assert.ok(
        problems.some((p) => p.startsWith('no connection to the server')),
        problems.join('; '),
      );
    } finally {
      await daemon.stop();
      await cable.stop();
      await dir.remove();
    }
  });
});
