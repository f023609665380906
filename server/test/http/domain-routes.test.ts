import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { submitClip } from '../../src/import/submit-clip.js';
import { storeAnswer } from '../support/answers.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { wavClip } from '../support/ingest-harness.js';

// On both databases: the report's SQL and the worker's transactions must work on each.
for (const kind of DATABASE_KINDS) {
  describe(`API: stores, devices, questions, button maps, NPS on ${kind}`, () => {
    it('manages the domain with clear 4xx answers and reports NPS per store and period', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, ingest, app } = rig;
      try {
        const call = async (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) => {
          const response = await app.inject({ method, url, ...(payload ? { payload } : {}) });
          return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
        };
        const store = { name: 'Tver, Lenina 1', timeZone: 'Europe/Moscow', language: 'ru-RU' };
        assert.equal((await call('PUT', '/api/v1/stores/tver-1', store)).status, 201);
        assert.equal((await call('PUT', '/api/v1/stores/tver-1', { ...store, location: 'Lenina 1' })).status, 200);
        assert.deepEqual(await call('PUT', '/api/v1/stores/bad', { ...store, timeZone: 'Mars/Olympus' }), {
          status: 400,
          body: { error: 'body/timeZone: unknown time zone Mars/Olympus' },
        });
        assert.equal((await call('PUT', '/api/v1/stores/x', { ...store, language: 'Russian' })).status, 400);
        const openingHours = { mon: [['09:00', '21:00']], sun: [] };
        assert.equal((await call('PUT', '/api/v1/stores/tver-1', { ...store, openingHours })).status, 200);
        assert.deepEqual((await call('GET', '/api/v1/stores/tver-1')).body.openingHours, openingHours);
        assert.deepEqual(
          await call('PUT', '/api/v1/stores/tver-1', { ...store, openingHours: { tue: [['21:00', '09:00']] } }),
          { status: 400, body: { error: 'body/openingHours/tue/0: opens at 21:00 but closes at 09:00' } },
        );
        assert.deepEqual(
          await call('PUT', '/api/v1/stores/tver-1', { ...store, openingHours: { monday: [['09:00', '21:00']] } }),
          {
            status: 400,
            body: { error: 'body/openingHours/monday: unknown day; days are mon, tue, wed, thu, fri, sat, sun' },
          },
        );
        assert.deepEqual((await call('GET', '/api/v1/stores/tver-1')).body.openingHours, openingHours);
        assert.equal(
          (await call('PUT', '/api/v1/stores/tver-1', { ...store, openingHours: { mon: [['9:00', '21:00']] } })).status,
          400,
        );
        assert.deepEqual(await call('PUT', '/api/v1/devices/pi-1', { storeId: 'nowhere' }), {
          status: 400,
          body: { error: 'body/storeId: no store nowhere' },
        });
        assert.equal((await call('PUT', '/api/v1/devices/pi-1', { storeId: 'tver-1', name: 'till 1' })).status, 200);

        const nps = { kind: 'nps', text: { en: 'Recommend us?', ru: 'Порекомендуете нас?' } };
        assert.equal((await call('PUT', '/api/v1/questions/nps', nps)).status, 201);
        assert.equal((await call('PUT', '/api/v1/questions/bad', { kind: 'poll', text: { en: 'x' } })).status, 400);
        assert.deepEqual(
          await call('POST', '/api/v1/button-maps/store/tver-1', { buttons: { '1': 'nps', '2': 'what' } }),
          {
            status: 400,
            body: { error: 'body/buttons/2: no question what' },
          },
        );
        const version = await call('POST', '/api/v1/button-maps/store/tver-1', {
          buttons: { '1': 'nps' },
          effectiveFrom: '2026-01-01T00:00:00.000Z',
        });
        assert.equal(version.status, 201);
        const versions = await app.inject({ method: 'GET', url: '/api/v1/button-maps/store/tver-1' });
        assert.equal(versions.json<unknown[]>().length, 1);

        // Answers as the worker would have stored them: 9, 10, 7, 3, and one without a value (to review).
        const values = [9, 10, 7, 3, null];
        for (const [i, value] of values.entries()) {
          const clip = wavClip(indexSignal(1600, i), 1, new Date(Date.UTC(2026, 1, 1 + i)));
          await submitClip(ingest, 'pi-1', clip.meta, clip.audio);
          await storeAnswer(db, clip.meta.clipId, 'nps', value);
        }
        assert.deepEqual((await call('GET', '/api/v1/nps?storeId=tver-1')).body, {
          nps: 25,
          answers: 4,
          promoters: 2,
          passives: 1,
          detractors: 1,
          unscored: 1,
          confirmed: 0,
          toReview: 1,
        });
        const february2to4 = await call('GET', '/api/v1/nps?from=2026-02-02T00:00:00Z&to=2026-02-04T00:00:00Z');
        assert.deepEqual(february2to4.body, {
          nps: 50,
          answers: 2,
          promoters: 1,
          passives: 1,
          detractors: 0,
          unscored: 0,
          confirmed: 0,
          toReview: 0,
        });
        assert.equal((await call('GET', '/api/v1/nps?from=2026-02-04T00:00:00Z&to=2026-02-02T00:00:00Z')).status, 400);
        assert.equal((await call('GET', '/api/v1/nps?storeId=elsewhere')).body.nps, null);

        const clips = await call('GET', '/api/v1/clips?storeId=tver-1');
        const items = clips.body.items as { storeId: string; question: { id: string }; score: { value: number } }[];
        assert.equal(items.length, 5);
        assert.ok(items.every((c) => c.storeId === 'tver-1' && c.question.id === 'nps'));
        assert.deepEqual(
          items.map((c) => c.score.value),
          [null, 3, 7, 10, 9],
        );

        assert.equal((await call('POST', '/api/v1/transcription/jobs/999/requeue')).status, 404);
        const jobs = await call('GET', '/api/v1/transcription/jobs');
        assert.deepEqual(jobs.body.counts, { queued: 5, active: 0, done: 0, dead: 0 });
      } finally {
        await rig.close();
      }
    });
  });
}
