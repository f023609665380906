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
  pressesRefused: number;
  pressesUnmapped: number;
  pendingClips: number;
  bufferedSeconds: number;
  buttons: { inputs: { name: string; connected: boolean }[] };
  problems: string[];
}

/** A daemon reading a serial button box (a socat pseudo-terminal pair), with `clips` settings. */
async function daemonWithBox(clips: Record<string, unknown>) {
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
    clips: { preSeconds: 5, postSeconds: 30, buttons: 4, ...clips },
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
  await waitFor('audio and the box', async () => {
    const s = await status();
    return s.bufferedSeconds > 0 && s.buttons.inputs[0]?.connected ? s : undefined;
  });
  const stop = async () => {
    await daemon.stop();
    await cable.stop();
    await dir.remove();
  };
  return { dir, log, httpPort, status, box, stop };
}

describe('daemon with a serial button box', () => {
  it('takes presses and the cancel gesture from the box through the one press path, and reports problems', async () => {
    const { dir, log, httpPort, status, box, stop } = await daemonWithBox({});
    try {
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
      await stop();
    }
  });

  it('refuses a press on a button the map leaves out: nothing is cut, the press is counted and logged', async () => {
    // Buttons 1 and 2 answer a question (labelled, as a pushed button map labels them); 3 does not.
    const { log, status, box, stop } = await daemonWithBox({
      perButton: { '1': { label: 'How likely…' }, '2': { label: 'What to improve?' } },
    });
    try {
      await box('BTN 3');
      await waitFor('refusal', async () => ((await status()).pressesUnmapped === 1 ? true : undefined));
      assert.equal(log.withMessage('press refused: the button answers no question')[0]?.['button'], 3);
      await box('BTN 1');
      await waitFor('press', async () => ((await status()).presses === 1 ? true : undefined));
      const s = await status();
      assert.equal(s.pendingClips, 1, 'only the mapped press is being cut');
      assert.equal(s.pressesRefused, 0, 'not counted as a microphone failure, which raises an alert');
      assert.deepEqual(
        log.withMessage('press').map((p) => p['button']),
        [1],
      );
    } finally {
      await stop();
    }
  });
});
