import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Topics } from '@earshot/shared/protocol';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { DeviceLink } from '../../src/devices/device-link.js';
import { ConfigPush } from '../../src/fleet/config-push.js';
import { TestPress } from '../../src/fleet/test-press.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { appHarness } from '../support/app-harness.js';
import { testDatabase } from '../support/databases.js';
import { ingestHarness, wavClip } from '../support/ingest-harness.js';

const topics = new Topics('earshot');

/** Polls until `probe` gives a value; the 30 s only keeps a broken build from hanging the run. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('button maps through the app (sqlite): null unmaps; a later version reaches the device when it takes effect', () => {
  it('a device-scoped null unmaps a default-mapped button: its press files no question, its label is withdrawn; a version 1 s ahead is pushed then', async (t) => {
    const database = await testDatabase(t, 'sqlite');
    if (!database) return;
    const dir = await tempDir();
    const { db } = database;
    const blobs = new DiskBlobStore(join(dir.path, 'clips'));
    const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
    const pushed: Record<string, string | undefined>[] = [];
    const configPush = new ConfigPush(db, topics, async (topic, payload) => {
      if (topic !== topics.config('pi-1')) return;
      const config = JSON.parse(String(payload)) as { clips?: { perButton?: Record<string, { label?: string }> } };
      pushed.push(Object.fromEntries(Object.entries(config.clips?.perButton ?? {}).map(([b, v]) => [b, v.label])));
    });
    // No broker: a test press would fail at once; this test makes none.
    const link = new DeviceLink(topics, () => Promise.reject(new Error('no broker in this test')));
    const app = await appHarness({
      db,
      blobs,
      queue,
      buttonMap,
      ingest,
      fleet: { configPush, testPress: new TestPress(link, 1000) },
    });
    t.after(async () => {
      await app.close();
      await database.close();
      await dir.remove();
    });
    const ok = async (method: 'PUT' | 'POST', url: string, payload: object) => {
      const response = await app.inject({ method, url, payload });
      assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode} ${response.body}`);
    };
    await ok('PUT', '/api/v1/questions/nps', { kind: 'nps', text: { en: 'Recommend us?' } });
    await ok('PUT', '/api/v1/questions/improve', { kind: 'open', text: { en: 'Improve?' } });
    await ok('PUT', '/api/v1/devices/pi-1', { storeId: null });
    await ok('POST', '/api/v1/button-maps/default/all', {
      buttons: { '1': 'nps', '2': 'improve' },
      effectiveFrom: new Date(Date.now() - 3_600_000).toISOString(),
    });
    await ok('PUT', '/api/v1/devices/pi-1/config', { clips: { preSeconds: 20 } });
    assert.deepEqual(pushed.at(-1), { '1': 'Recommend us?', '2': 'Improve?' });

    await ok('POST', '/api/v1/button-maps/device/pi-1', { buttons: { '2': null } });
    assert.deepEqual(pushed.at(-1), { '1': 'Recommend us?' }, 'button 2 withdrawn from the device');
    const { meta, audio } = wavClip(Buffer.alloc(32_000, 3), 2, new Date());
    assert.equal((await submitClip(ingest, 'pi-1', meta, audio, 32 * 1024)).status, 'complete');
    const clip = await db
      .selectFrom('clips')
      .select('question_id')
      .where('id', '=', meta.clipId)
      .executeTakeFirstOrThrow();
    assert.equal(clip.question_id, null, 'a press on the unmapped button answers no question');

    // Dated a second ahead: nothing is pushed now; when it takes effect the device is told, unasked.
    const pushes = pushed.length;
    await ok('POST', '/api/v1/button-maps/device/pi-1', {
      buttons: { '1': null, '2': 'improve' },
      effectiveFrom: new Date(Date.now() + 1000).toISOString(),
    });
    assert.equal(pushed.length, pushes, 'not before its time');
    const labels = await waitFor('the labels of the version taking effect', async () =>
      pushed.length > pushes ? pushed.at(-1) : undefined,
    );
    assert.deepEqual(labels, { '2': 'Improve?' });
  });
});
