import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { waitFor } from '@earshot/test-kit/processes';
import { BROKERS, TransferRig } from '../support/transfer-rig.js';

const DEVICES = 12;
const PRESSES = 3;

describe('server killed while fins are processed in the background', () => {
  for (const kind of BROKERS) {
    it(`${kind}: after a restart every clip is stored once, sha256 matches, none lost`, async (t) => {
      const rig = await TransferRig.create(t, kind);
      if (!rig) return;
      const ids = Array.from({ length: DEVICES }, (_, i) => `dev-${String(i).padStart(2, '0')}`);
      await rig.prepare(ids);
      // Fewer fin slots than devices finishing at once: at the kill some fins are being
      // processed (acknowledged to the broker, unanswered) and some wait on the message path
      // (unacknowledged). The first kind is recovered only by the device repeating its fin.
      const env = { EARSHOT_INGEST__MAX_FINS_IN_PROGRESS: '4' };
      const server = await rig.startServer('a', env);
      const devices = await Promise.all(ids.map((id) => rig.device(id)));
      for (const device of devices) device.start();
      await waitFor('devices connected', async () => (devices.every((d) => d.uplink.connected) ? true : undefined));
      // All devices press at once: their fins arrive together and pile up.
      await Promise.all(
        devices.map(async (d) => {
          for (let press = 0; press < PRESSES; press++) await d.press(3, 1 + press);
        }),
      );
      await server.waitForLine(/clip stored/, 60_000);
      await rig.killServer('a');
      const expected = new Map(devices.flatMap((d) => [...d.clips]));
      const storedAtKill = rig.storedClips().length;
      assert.ok(storedAtKill >= 1, 'a clip was stored before the kill');
      assert.ok(storedAtKill < expected.size, `the kill landed while clips were in progress (${storedAtKill} stored)`);

      await rig.startServer('a', env);
      await rig.waitForStored(expected, 120_000);
      for (const device of devices) {
        await waitFor(`${device.deviceId} told complete for every clip`, async () =>
          (await device.outbox.list()).length === 0 ? true : undefined,
        );
      }
      assert.deepEqual(await rig.storageProblems(), []);
      assert.equal(rig.storedClips().length, expected.size, 'nothing stored but the devices’ clips');
      assert.equal(rig.stagedChunks(), 0, 'staging cleaned up');
      const files = await audioFiles(join(rig.dir, 'clips'));
      assert.equal(files.filter((f) => !f.endsWith('.tmp')).length, expected.size, 'one audio file per clip');
      t.diagnostic(`${storedAtKill}/${expected.size} clips stored at the kill`);
    });
  }
});

async function audioFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
