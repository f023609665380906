import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { createLogger } from '@earshot/shared/log';
import { deferrer } from '@earshot/test-kit/cleanup';
import { freePort } from '@earshot/test-kit/ports';
import { waitFor } from '@earshot/test-kit/processes';
import { tone } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { loadDeviceConfig } from '../src/config/device-config.js';
import { DeviceDaemon } from '../src/daemon.js';

const RATE = 16_000;

it('reports mic health and clock state in its status, and cancels the newest clip over HTTP', async (t) => {
  const defer = deferrer(t);
  const dir = await tempDir();
  defer(() => dir.remove());
  const audio = join(dir.path, 'tone.raw');
  await writeFile(audio, tone(10 * RATE, RATE, 440, 0.5));
  const configFile = join(dir.path, 'device.json');
  await writeFile(
    configFile,
    JSON.stringify({
      deviceId: 'status-test',
      stateDir: join(dir.path, 'state'),
      audio: { source: { type: 'file', path: audio, pace: 'realtime' } },
      clips: { preSeconds: 1, postSeconds: 30 },
      mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` },
      http: { port: 0 },
    }),
  );
  const daemon = new DeviceDaemon(
    loadDeviceConfig({ file: configFile, env: {} }),
    createLogger({ name: 'status-test', level: 'silent' }),
  );
  const { httpPort } = await daemon.start();
  defer(() => daemon.stop());
  const api = `http://127.0.0.1:${httpPort}/api/v1`;
  const status = await waitFor('a second of audio', async () => {
    const body = (await (await fetch(`${api}/status`)).json()) as {
      bufferedSeconds: number;
      mic: { state: string; rmsDbfs: number; recorderRestarts: number; lastFailure: string | null };
      clock: { synchronized: boolean | null };
    };
    return body.bufferedSeconds >= 1 ? body : undefined;
  });
  assert.equal(status.mic.state, 'ok');
  assert.ok(Math.abs(status.mic.rmsDbfs - -9) < 0.5, `rms ${status.mic.rmsDbfs}`);
  assert.equal(status.mic.recorderRestarts, 0);
  assert.equal(status.mic.lastFailure, null);
  assert.ok('synchronized' in status.clock);

  const pressed = await fetch(`${api}/press`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ button: 1 }),
  });
  const { clipId } = (await pressed.json()) as { clipId: string };
  const cancelled = await fetch(`${api}/cancel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(cancelled.status, 200);
  assert.deepEqual(await cancelled.json(), { cancelled: true, clipId });
  const again = await fetch(`${api}/cancel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(again.status, 409);
  assert.deepEqual(await again.json(), { cancelled: false, reason: 'no recent clip to cancel' });
  assert.equal((daemon.status() as { pendingClips: number }).pendingClips, 0);
});
