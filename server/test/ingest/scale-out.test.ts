import assert from 'node:assert/strict';
import { it } from 'node:test';
import { waitFor } from '@earshot/test-kit/processes';
import { TransferRig } from '../support/transfer-rig.js';

it('two instances share a Mosquitto subscription; one killed in a burst from 20 devices: every clip stored once', async (t) => {
  const rig = await TransferRig.create(t, 'mosquitto');
  if (!rig) return;
  const ids = Array.from({ length: 20 }, (_, i) => `dev-${String(i).padStart(2, '0')}`);
  await rig.prepare(ids, ['a', 'b']);
  const shared = { EARSHOT_MQTT__SHARED_GROUP: 'ingest' };
  await rig.startServer('a', shared);
  const b = await rig.startServer('b', shared);
  const devices = await Promise.all(ids.map((id) => rig.device(id)));
  for (const device of devices) device.start();
  await waitFor('devices connected', async () => (devices.every((d) => d.uplink.connected) ? true : undefined));
  for (let round = 0; round < 3; round++) {
    await Promise.all(devices.map((d) => d.press(2, 1 + round)));
  }
  // Kill b once it has done part of the work.
  await b.waitForLine(/clip stored/, 60_000);
  await rig.killServer('b');
  const expected = new Map(devices.flatMap((d) => [...d.clips]));
  await rig.waitForStored(expected, 120_000);
  for (const device of devices) {
    await waitFor(`${device.deviceId} outbox empty`, async () =>
      (await device.outbox.list()).length === 0 ? true : undefined,
    );
  }
  assert.equal(rig.storedClips().length, 60);
  assert.deepEqual(await rig.storageProblems(), []);
  const a = rig.servers.get('a')?.output() ?? '';
  assert.match(a, /clip stored/, 'instance a stored clips too');
});
