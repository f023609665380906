import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Topics } from '@earshot/shared/protocol';
import { ConfigPush } from '../../src/fleet/config-push.js';
import { LabelSync } from '../../src/fleet/label-sync.js';
import { ButtonMap } from '../../src/questions/button-map.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { quietLogger } from '../support/ingest-harness.js';

const topics = new Topics('earshot');
const BEGINNING = new Date('2020-01-01T00:00:00Z');

for (const kind of DATABASE_KINDS) {
  describe(`button labels pushed again when the map changes (${kind})`, () => {
    it('re-pushes the devices concerned over what their technician typed, once, and leaves the others alone', async (t) => {
      const database = await testDatabase(t, kind);
      if (!database) return;
      t.after(() => database.close());
      const { db } = database;
      const now = new Date().toISOString();
      await db
        .insertInto('stores')
        .values(
          ['north', 'south'].map((id) => ({
            id,
            name: id,
            location: null,
            time_zone: 'UTC',
            language: 'en',
            created_at: now,
          })),
        )
        .execute();
      await db
        .insertInto('devices')
        .values(
          [
            ['pi-1', 'north'],
            ['pi-2', 'south'],
            ['pi-3', 'north'],
            ['pi-4', 'north'],
          ].map(([id, store]) => ({
            id: id as string,
            store_id: store as string,
            state: 'online' as const,
            version: null,
            state_changed_at: now,
            last_seen_at: now,
            name: null,
          })),
        )
        .execute();
      await db
        .insertInto('questions')
        .values([
          { id: 'nps', kind: 'nps', text_en: 'Recommend us?', text_ru: null },
          { id: 'improve', kind: 'open', text_en: 'Improve?', text_ru: null },
          { id: 'complaint', kind: 'complaint', text_en: 'Complaint', text_ru: null },
        ])
        .execute();
      const buttonMap = new ButtonMap(db);
      await buttonMap.addVersion('default', '', { '1': 'nps', '2': 'improve' }, BEGINNING);
      const published: {
        topic: string;
        config: { version: number; clips?: { preSeconds?: number; perButton?: Record<string, { label?: string }> } };
      }[] = [];
      const push = new ConfigPush(db, topics, async (topic, payload) => {
        published.push({ topic, config: JSON.parse(String(payload)) as (typeof published)[number]['config'] });
      });
      const labels = (deviceId: string) => {
        const last = published.filter((p) => p.topic === topics.config(deviceId)).at(-1)?.config.clips?.perButton ?? {};
        return Object.fromEntries(Object.entries(last).map(([b, v]) => [b, v.label]));
      };
      // pi-1: a technician's push (a pre-roll, no labels typed) with the map's labels added;
      // pi-2: the same in the other store; pi-3: never configured remotely; pi-4: a push from
      // before typed settings were kept, its labels all the map's.
      await push.push(
        'pi-1',
        { clips: { preSeconds: 20, perButton: { '1': { label: 'Recommend us?' }, '2': { label: 'Improve?' } } } },
        'tech',
        { clips: { preSeconds: 20 } },
      );
      await push.push(
        'pi-2',
        { clips: { perButton: { '1': { label: 'Recommend us?' }, '2': { label: 'Our prices' } } } },
        'tech',
        { clips: { perButton: { '2': { label: 'Our prices' } } } },
      );
      await push.push(
        'pi-4',
        { clips: { perButton: { '1': { label: 'Recommend us?' }, '2': { label: 'Improve?' } } } },
        'tech',
      );
      published.length = 0;

      const sync = new LabelSync(db, buttonMap, push, quietLogger);
      assert.equal(await sync.sync({ all: true }, 'admin'), 0, 'nothing changed: nothing pushed');

      await buttonMap.addVersion('store', 'north', { '2': 'complaint', '3': 'improve' });
      assert.equal(await sync.sync({ storeId: 'north' }, 'admin'), 2);
      assert.deepEqual(labels('pi-1'), { '1': 'Recommend us?', '2': 'Complaint', '3': 'Improve?' });
      assert.equal(
        published.find((p) => p.topic === topics.config('pi-1'))?.config.clips?.preSeconds,
        20,
        'typed settings kept',
      );
      assert.deepEqual(labels('pi-4'), { '1': 'Recommend us?', '2': 'Complaint', '3': 'Improve?' });
      assert.deepEqual(labels('pi-3'), {}, 'a device never configured remotely keeps its own configuration');
      assert.deepEqual(labels('pi-2'), {}, 'the other store is not concerned');

      await buttonMap.addVersion('default', '', { '1': 'improve' });
      assert.equal(await sync.sync({ all: true }, 'admin'), 3);
      // A label the technician typed wins over the question's text.
      assert.deepEqual(labels('pi-2'), { '1': 'Improve?', '2': 'Our prices' });
      assert.equal(await sync.sync({ all: true }, 'admin'), 0, 'idempotent');

      // A decommissioned device keeps the configuration it had.
      await db
        .updateTable('devices')
        .set({ decommissioned_at: new Date().toISOString() })
        .where('id', '=', 'pi-1')
        .execute();
      await buttonMap.addVersion('default', '', { '1': 'complaint' });
      published.length = 0;
      assert.equal(await sync.sync({ all: true }, 'admin'), 2);
      assert.deepEqual(labels('pi-1'), {});
    });
  });
}
