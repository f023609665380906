import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { submitClip } from '../../src/import/submit-clip.js';
import { storeAnswer } from '../support/answers.js';
import { apiTest } from '../support/app-harness.js';
import { clipPage, everyClipPage } from '../support/clip-pages.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { wavClip } from '../support/ingest-harness.js';

// [name, device, pressed at, machine's NPS (null: unsure, left for review; undefined: no answer read)]
const PLAN: [string, string, string, number | null | undefined][] = [
  ['nine-early', 'pi-a', '2026-03-01T06:00:00Z', 9],
  ['three', 'pi-a', '2026-03-01T07:00:00Z', 3],
  ['nine-late', 'pi-b', '2026-03-01T08:00:00Z', 9],
  ['unsure', 'pi-a', '2026-03-01T09:00:00Z', null],
  ['zero', 'pi-b', '2026-03-01T10:00:00Z', 0],
  ['unread', 'pi-a', '2026-03-01T11:00:00Z', undefined],
  ['ten', 'pi-a', '2026-03-01T12:00:00Z', 10],
  ['three-late', 'pi-a', '2026-03-01T13:00:00Z', 3],
  ['seven', 'pi-b', '2026-03-01T14:00:00Z', 7],
];

for (const kind of DATABASE_KINDS) {
  describe(`the clip list sorted by score on ${kind}`, () => {
    it('lists scored clips lowest or highest first, ties newest first, page by page; a correction moves a clip', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, ingest, app } = rig;
      try {
        const put = async (url: string, payload: object) =>
          assert.ok([200, 201].includes((await app.inject({ method: 'PUT', url, payload })).statusCode), url);
        await put('/api/v1/stores/a', { name: 'A', timeZone: 'Europe/Moscow', language: 'en' });
        await put('/api/v1/stores/b', { name: 'B', timeZone: 'Europe/London', language: 'en' });
        await put('/api/v1/devices/pi-a', { storeId: 'a' });
        await put('/api/v1/devices/pi-b', { storeId: 'b' });
        await put('/api/v1/questions/nps', { kind: 'nps', text: { en: 'Recommend us?' } });
        const map = await app.inject({
          method: 'POST',
          url: '/api/v1/button-maps/default/all',
          payload: { buttons: { '1': 'nps' }, effectiveFrom: '2026-01-01T00:00:00Z' },
        });
        assert.equal(map.statusCode, 201, map.body);
        const names = new Map<string, string>();
        for (const [name, device, at, value] of PLAN) {
          const clip = wavClip(indexSignal(1600), 1, new Date(at));
          assert.equal((await submitClip(ingest, device, clip.meta, clip.audio)).status, 'complete');
          names.set(clip.meta.clipId, name);
          if (value !== undefined) await storeAnswer(db, clip.meta.clipId, 'nps', value);
        }
        const idOf = (name: string) => [...names].find(([, n]) => n === name)?.[0] ?? name;
        const list = (query: string) => clipPage(app, query);
        /** Every page of `query`, `limit` at a time, by the cursors the API gives. */
        const walk = async (query: string, limit: number) => {
          const { ids, total } = await everyClipPage(app, query, limit);
          return { seen: ids.map((id) => names.get(id) ?? id), total };
        };

        const lowest = ['zero', 'three-late', 'three', 'seven', 'nine-late', 'nine-early', 'ten'];
        for (const limit of [1, 2, 3, 50]) {
          assert.deepEqual(await walk('sort=lowest', limit), { seen: lowest, total: 7 }, `limit ${limit}`);
        }
        const highest = ['ten', 'nine-late', 'nine-early', 'seven', 'three-late', 'three', 'zero'];
        for (const limit of [1, 2, 50]) {
          assert.deepEqual(await walk('sort=highest', limit), { seen: highest, total: 7 }, `limit ${limit}`);
        }
        // With a filter: store a's scored clips, and a range of scores.
        assert.deepEqual((await walk('sort=lowest&storeId=a', 2)).seen, ['three-late', 'three', 'nine-early', 'ten']);
        // A device's clips (fetched by the clips' index and sorted, not by the value index).
        for (const limit of [1, 3]) {
          assert.deepEqual(
            (await walk('sort=highest&deviceId=pi-a', limit)).seen,
            ['ten', 'nine-early', 'three-late', 'three'],
            `limit ${limit}`,
          );
        }
        assert.deepEqual((await walk('sort=highest&npsMax=8', 2)).seen, ['seven', 'three-late', 'three', 'zero']);

        // A person hears "nine" where the machine was unsure, and "one" where it read ten.
        for (const [name, value] of [
          ['unsure', 9],
          ['ten', 1],
        ] as const) {
          const response = await app.inject({
            method: 'PUT',
            url: `/api/v1/clips/${idOf(name)}/answer`,
            payload: { value },
          });
          assert.equal(response.statusCode, 200, response.body);
        }
        assert.deepEqual((await walk('sort=lowest', 2)).seen, [
          'zero',
          'ten',
          'three-late',
          'three',
          'seven',
          'unsure',
          'nine-late',
          'nine-early',
        ]);

        // A cursor of one order is refused by another, in words.
        const byTime = await list('sort=newest&limit=1');
        const refused = await app.inject({ url: `/api/v1/clips?sort=lowest&cursor=${byTime.nextCursor}` });
        assert.equal(refused.statusCode, 400);
        assert.match(refused.json<{ error: string }>().error, /cursor.*sort=lowest/);
        const sideways = await app.inject({ url: '/api/v1/clips?sort=sideways' });
        assert.equal(sideways.statusCode, 400);
        assert.match(sideways.json<{ error: string }>().error, /"lowest", "highest"/);
      } finally {
        await rig.close();
      }
    });
  });
}
