import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { submitClip } from '../../src/import/submit-clip.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { wavClip } from '../support/ingest-harness.js';

for (const kind of DATABASE_KINDS) {
  describe(`checklist retirement on ${kind}`, () => {
    it('a retired checklist is no longer offered or scored; its scorecards stay; putting it again revives it', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { ingest, app } = rig;
      try {
        const call = async (method: 'PUT' | 'POST' | 'GET' | 'DELETE', url: string, payload?: object) => {
          const response = await app.inject({ method, url, ...(payload ? { payload } : {}) });
          return { status: response.statusCode, body: response.body ? response.json<unknown>() : undefined };
        };
        await call('PUT', '/api/v1/questions/nps', { kind: 'nps', text: { en: 'Recommend?' } });
        await call('POST', '/api/v1/button-maps/default/all', {
          buttons: { '1': 'nps' },
          effectiveFrom: '2020-01-01T00:00:00Z',
        });
        const clip = wavClip(indexSignal(1600), 1, new Date('2026-03-01T10:00:00Z'));
        assert.equal((await submitClip(ingest, 'pi-r', clip.meta, clip.audio)).status, 'complete');
        const checklist = {
          questionId: 'nps',
          name: 'Asking',
          items: [{ id: 'greeted', text: { en: 'Greeted the customer' } }],
        };
        assert.equal((await call('PUT', '/api/v1/checklists/asking', checklist)).status, 201);
        const scoreUrl = `/api/v1/clips/${clip.meta.clipId}/scorecards/asking`;
        assert.equal((await call('PUT', scoreUrl, { answers: { greeted: 'yes' } })).status, 200);

        assert.equal((await call('DELETE', '/api/v1/checklists/asking')).status, 204);
        const ids = async (query = '') =>
          ((await call('GET', `/api/v1/checklists${query}`)).body as { id: string; retiredAt: string | null }[]).map(
            (c) => [c.id, c.retiredAt === null],
          );
        assert.deepEqual(await ids(), [], 'not offered any more');
        assert.deepEqual(await ids('?includeRetired=true'), [['asking', false]]);
        const refused = await call('PUT', scoreUrl, { answers: { greeted: 'no' } });
        assert.equal(refused.status, 409);
        assert.match((refused.body as { error: string }).error, /checklist asking was retired at /);
        // What was scored before stays, and still counts in the summary.
        const cards = (await call('GET', `/api/v1/clips/${clip.meta.clipId}/scorecards`)).body as unknown[];
        assert.equal(cards.length, 1);
        const summary = (await call('GET', '/api/v1/scorecards/summary?checklistId=asking')).body as {
          groups: { scorecards: number }[];
        };
        assert.equal(summary.groups[0]?.scorecards, 1);
        // Retiring twice says there is nothing in use by that name; the audit names who retired it.
        assert.equal((await call('DELETE', '/api/v1/checklists/asking')).status, 404);
        const audit = (await call('GET', '/api/v1/audit?action=checklist.retire')).body as {
          items: { subjectId: string }[];
        };
        assert.deepEqual(
          audit.items.map((e) => e.subjectId),
          ['asking'],
        );

        assert.equal((await call('PUT', '/api/v1/checklists/asking', checklist)).status, 200);
        assert.deepEqual(await ids(), [['asking', true]], 'put again, it is offered again');
        assert.equal((await call('PUT', scoreUrl, { answers: { greeted: 'no' } })).status, 200);
      } finally {
        await rig.close();
      }
    });
  });
}
