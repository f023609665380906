import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '@earshot/test-kit/processes';
import { BROKERS, TransferRig } from '../support/transfer-rig.js';

async function press(httpPort: number, button = 1): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/api/v1/press`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ button }),
  });
  assert.equal(response.status, 202, await response.clone().text());
  return ((await response.json()) as { clipId: string }).clipId;
}

describe('device faults', () => {
  for (const kind of BROKERS) {
    it(`${kind}: a device SIGKILLed mid-transfer resumes from its outbox`, async (t) => {
      const rig = await TransferRig.create(t, kind);
      if (!rig) return;
      await rig.prepare(['dev-k']);
      await rig.startServer();
      // 4.2 s of 48 kHz stereo is 800 KB, 25 chunks: at 5 publishes/s that takes 5 s.
      const slow = { EARSHOT_MQTT__PUBLISHES_PER_SECOND: '5' };
      const first = await rig.startDeviceProcess('dev-k', slow);
      // Let the ring buffer fill so the clip has its full pre-roll.
      await waitFor('4.5 s buffered', async () => {
        const status = (await (await fetch(`http://127.0.0.1:${first.httpPort}/api/v1/status`)).json()) as {
          bufferedSeconds: number;
        };
        return status.bufferedSeconds >= 4.5 ? true : undefined;
      });
      const clipId = await press(first.httpPort);
      await waitFor('chunks staged', async () => (rig.stagedChunks() >= 3 ? true : undefined));
      first.process.child.kill('SIGKILL');
      await first.process.exited;
      assert.equal(rig.storedClips().length, 0, 'not stored before the kill');
      const second = await rig.startDeviceProcess('dev-k');
      await waitFor('clip stored', async () => (rig.storedClips().some((c) => c.id === clipId) ? true : undefined), {
        timeoutMs: 60_000,
      });
      await second.process.waitForLine(/clip delivered/);
      // Resumed with a fin, so only the missing ranges travelled again.
      assert.match(second.process.output(), /server is missing parts of the clip/);
      const stored = rig.storedClips();
      assert.equal(stored.length, 1);
      assert.deepEqual(await rig.storageProblems([]), []);
    });

    it(`${kind}: 50 presses while the broker is unreachable are all stored once when it returns`, async (t) => {
      const rig = await TransferRig.create(t, kind);
      if (!rig) return;
      await rig.prepare(['dev-o']);
      if (kind === 'mosquitto') await rig.mosquitto?.stop();
      const device = await rig.device('dev-o');
      device.start();
      for (let i = 0; i < 50; i++) await device.press(1, 1 + (i % 3));
      assert.equal((await device.outbox.list()).length, 50);
      assert.equal(device.uplink.connected, false);
      if (kind === 'mosquitto') await rig.mosquitto?.restart();
      await rig.startServer();
      // Bounded: with backoff capped at 1 s here, 50 small clips need a few seconds.
      await rig.waitForStored(device.clips, 60_000);
      await waitFor('outbox empty', async () => ((await device.outbox.list()).length === 0 ? true : undefined));
      assert.deepEqual(await rig.storageProblems(), []);
    });
  }

  it('mosquitto: a broker restarted during a transfer loses nothing', async (t) => {
    const rig = await TransferRig.create(t, 'mosquitto');
    if (!rig) return;
    await rig.prepare(['dev-b']);
    await rig.startServer();
    const device = await rig.device('dev-b', { publishesPerSecond: 5 });
    device.start();
    await device.press(20);
    await device.press(5);
    await waitFor('chunks staged', async () => (rig.stagedChunks() >= 3 ? true : undefined));
    await rig.mosquitto?.restart();
    await rig.waitForStored(device.clips);
    await waitFor('outbox empty', async () => ((await device.outbox.list()).length === 0 ? true : undefined));
    assert.deepEqual(await rig.storageProblems(), []);
    assert.ok(device.log.has(/disconnected; reconnecting/), 'the device saw the broker go');
  });
});
