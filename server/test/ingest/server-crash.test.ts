import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '@earshot/test-kit/processes';
import { BROKERS, TransferRig } from '../support/transfer-rig.js';

describe('server killed mid-transfer', () => {
  for (const kind of BROKERS) {
    it(`${kind}: the clip completes after a restart, stored once, sha256 matches`, async (t) => {
      const rig = await TransferRig.create(t, kind);
      if (!rig) return;
      await rig.prepare(['dev-1']);
      await rig.startServer();
      // Slow enough (a burst of 5, then 5 publishes/s of 32 KiB) that the kill lands mid-transfer.
      const device = await rig.device('dev-1', { publishesPerSecond: 5 });
      device.start();
      await device.press(20);
      await waitFor('chunks staged', async () => (rig.stagedChunks() >= 3 ? true : undefined));
      await rig.killServer();
      assert.equal(rig.storedClips().length, 0, 'not stored before the kill');
      assert.ok(rig.stagedChunks() > 0, 'staged chunks survive the kill');
      await rig.startServer();
      await rig.waitForStored(device.clips);
      await waitFor('device told complete', async () => ((await device.outbox.list()).length === 0 ? true : undefined));
      assert.deepEqual(await rig.storageProblems(), []);
      assert.equal(rig.stagedChunks(), 0, 'staging cleaned up');
      // The resumed transfer asked with a fin first and resent only what was missing.
      assert.ok(device.log.has(/server is missing parts of the clip/) || device.log.has(/clip delivered/));
    });
  }
});
