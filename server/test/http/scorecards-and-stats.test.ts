import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { ApiTokens } from '../../src/access/api-tokens.js';
import { Users } from '../../src/access/users.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { wavClip } from '../support/ingest-harness.js';

for (const kind of DATABASE_KINDS) {
  describe(`scorecards and stats on ${kind}`, () => {
    it('scores clips against a checklist, sums the answers, and counts volumes in local days and hours', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, ingest, app } = rig;
      try {
        const call = async (method: 'PUT' | 'POST' | 'GET', url: string, payload?: object, authorization?: string) => {
          const response = await app.inject({
            method,
            url,
            ...(payload ? { payload } : {}),
            ...(authorization ? { headers: { authorization } } : {}),
          });
          return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
        };
        await call('PUT', '/api/v1/stores/tver', { name: 'Tver', timeZone: 'Europe/Moscow', language: 'en' });
        await call('PUT', '/api/v1/stores/vlad', { name: 'Vlad', timeZone: 'Asia/Vladivostok', language: 'en' });
        await call('PUT', '/api/v1/devices/pi-t', { storeId: 'tver' });
        await call('PUT', '/api/v1/devices/pi-v', { storeId: 'vlad' });
        await call('PUT', '/api/v1/questions/nps', { kind: 'nps', text: { en: 'Recommend?' } });
        await call('PUT', '/api/v1/questions/improve', { kind: 'open', text: { en: 'Improve?' } });
        await call('POST', '/api/v1/button-maps/default/all', {
          buttons: { '1': 'nps', '2': 'improve' },
          effectiveFrom: '2020-01-01T00:00:00Z',
        });
        const ids: string[] = [];
        for (const [device, button, at] of [
          ['pi-t', 1, '2026-03-01T06:10:00Z'], // 09:10 in Tver, 1 March
          ['pi-t', 1, '2026-03-01T22:30:00Z'], // 01:30 in Tver, 2 March
          ['pi-v', 1, '2026-03-01T13:00:00Z'], // 23:00 in Vladivostok, 1 March
          ['pi-v', 2, '2026-03-01T15:00:00Z'], // 01:00 in Vladivostok, 2 March
        ] as const) {
          const clip = wavClip(indexSignal(1600), button, new Date(at));
          assert.equal((await submitClip(ingest, device, clip.meta, clip.audio)).status, 'complete');
          ids.push(clip.meta.clipId);
        }
        const [t1, t2, v1, v2] = ids as [string, string, string, string];

        const checklist = {
          questionId: 'nps',
          name: 'Asking for the score',
          items: [
            { id: 'greeted', text: { en: 'Greeted the customer', ru: 'Поздоровался' } },
            { id: 'as-worded', text: { en: 'Asked the question as worded' } },
          ],
        };
        assert.equal((await call('PUT', '/api/v1/checklists/nps-asking', checklist)).status, 201);
        assert.equal(
          (
            await call('PUT', '/api/v1/checklists/dup', {
              ...checklist,
              items: [checklist.items[0], checklist.items[0]],
            })
          ).status,
          400,
        );
        const score = (clip: string, answers: object, authorization?: string) =>
          call('PUT', `/api/v1/clips/${clip}/scorecards/nps-asking`, { answers }, authorization);
        assert.equal((await score(t1, { greeted: 'yes', 'as-worded': 'yes' })).status, 200);
        assert.equal((await score(t2, { greeted: 'no', 'as-worded': 'unsure' })).status, 200);
        assert.equal((await score(v1, { greeted: 'yes', 'as-worded': 'no' })).status, 200);
        assert.deepEqual(await score(v2, { greeted: 'yes' }), {
          status: 400,
          body: { error: "checklist nps-asking is for question nps, not this clip's" },
        });
        assert.equal((await score(t1, { smiled: 'yes' })).status, 400);

        // A manager of Tver scores only Tver's clips, and sees only Tver in the summary.
        const { user } = await new Users(db).upsert({ username: 'tanya', role: 'manager', stores: ['tver'] });
        const tanya = `Bearer ${(await new ApiTokens(db).create(user.id, 't', 1)).token}`;
        assert.equal((await score(v1, { greeted: 'no' }, tanya)).status, 404);
        assert.equal((await score(t1, { greeted: 'yes', 'as-worded': 'no' }, tanya)).status, 200);
        const cards = await call('GET', `/api/v1/clips/${t1}/scorecards`, undefined, tanya);
        assert.deepEqual((cards.body as unknown as { username: string }[]).map((c) => c.username).sort(), [
          'harness-admin',
          'tanya',
        ]);

        const summary = await call('GET', '/api/v1/scorecards/summary?checklistId=nps-asking&groupBy=store');
        assert.deepEqual(summary.body, {
          groups: [
            {
              key: 'tver',
              scorecards: 3,
              items: [
                { id: 'greeted', yes: 2, no: 1, unsure: 0, yesShare: 0.667 },
                { id: 'as-worded', yes: 1, no: 1, unsure: 1, yesShare: 0.5 },
              ],
            },
            {
              key: 'vlad',
              scorecards: 1,
              items: [
                { id: 'greeted', yes: 1, no: 0, unsure: 0, yesShare: 1 },
                { id: 'as-worded', yes: 0, no: 1, unsure: 0, yesShare: 0 },
              ],
            },
          ],
        });
        const tanyas = await call('GET', '/api/v1/scorecards/summary?checklistId=nps-asking', undefined, tanya);
        assert.deepEqual(
          (tanyas.body.groups as { key: string }[]).map((g) => g.key),
          ['tver'],
        );

        // Days are each store's own, as everywhere else: t2 was pressed on 1 March in UTC but at
        // 01:30 on 2 March in Tver.
        const byDay = await call('GET', '/api/v1/scorecards/summary?checklistId=nps-asking&groupBy=day');
        assert.deepEqual(
          (byDay.body.groups as { key: string; scorecards: number }[]).map((g) => [g.key, g.scorecards]),
          [
            ['2026-03-01', 3],
            ['2026-03-02', 1],
          ],
        );

        const range = 'from=2026-02-28T00:00:00Z&to=2026-03-03T00:00:00Z';
        const volume = await call('GET', `/api/v1/stats/volume?${range}`);
        assert.deepEqual(volume.body, {
          rows: [
            { storeId: 'tver', questionId: 'nps', day: '2026-03-01', clips: 1 },
            { storeId: 'vlad', questionId: 'nps', day: '2026-03-01', clips: 1 },
            { storeId: 'tver', questionId: 'nps', day: '2026-03-02', clips: 1 },
            { storeId: 'vlad', questionId: 'improve', day: '2026-03-02', clips: 1 },
          ],
        });
        const coverage = await call('GET', `/api/v1/stats/coverage?${range}&storeId=tver`);
        const tverHours = (coverage.body.devices as { deviceId: string; hours: number[] }[])[0];
        assert.equal(tverHours?.deviceId, 'pi-t');
        assert.deepEqual(
          tverHours?.hours.flatMap((n, hour) => (n > 0 ? [[hour, n]] : [])),
          [
            [1, 1],
            [9, 1],
          ],
        );
        assert.equal((await call('GET', `/api/v1/stats/coverage?${range}&storeId=vlad`, undefined, tanya)).status, 400);
        // Tver's manager sees Tver's clips alone, from the counts of its whole days as from the clips.
        assert.deepEqual((await call('GET', `/api/v1/stats/volume?${range}&groupBy=store`, undefined, tanya)).body, {
          rows: [
            { storeId: 'tver', day: '2026-03-01', clips: 1 },
            { storeId: 'tver', day: '2026-03-02', clips: 1 },
          ],
        });
        const tanyasCoverage = await call('GET', `/api/v1/stats/coverage?${range}`, undefined, tanya);
        assert.deepEqual(
          (tanyasCoverage.body.devices as { deviceId: string }[]).map((d) => d.deviceId),
          ['pi-t'],
        );
        const tanyasTranscription = await call('GET', `/api/v1/stats/transcription?${range}`, undefined, tanya);
        assert.deepEqual(
          (tanyasTranscription.body.stores as { storeId: string; clips: number }[]).map((s) => [s.storeId, s.clips]),
          [['tver', 2]],
        );
        const transcription = await call('GET', `/api/v1/stats/transcription?${range}`);
        assert.equal(
          (transcription.body.stores as { clips: number }[]).reduce((n, s) => n + s.clips, 0),
          4,
        );
        assert.equal(
          (await call('GET', '/api/v1/stats/volume?from=2026-03-03T00:00:00Z&to=2026-03-01T00:00:00Z')).status,
          400,
        );
      } finally {
        await rig.close();
      }
    });
  });
}
