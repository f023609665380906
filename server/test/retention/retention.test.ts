import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { submitClip } from '../../src/import/submit-clip.js';
import { ClipDestroyer } from '../../src/retention/clip-destroyer.js';
import { RetentionPolicy } from '../../src/retention/retention-policy.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { quietLogger, wavClip } from '../support/ingest-harness.js';

const DAY = 86_400_000;

for (const kind of DATABASE_KINDS) {
  describe(`retention, legal hold and erasure on ${kind}`, () => {
    it('destroys expired clips per question, spares legal holds, erases on request, and records each act', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, blobs, ingest, app } = rig;
      try {
        const call = async (method: 'PUT' | 'POST' | 'GET', url: string, payload?: object) => {
          const response = await app.inject({ method, url, ...(payload ? { payload } : {}) });
          return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
        };
        await call('PUT', '/api/v1/stores/s1', { name: 's1', timeZone: 'Europe/Moscow', language: 'en' });
        await call('PUT', '/api/v1/devices/pi-1', { storeId: 's1' });
        assert.equal(
          (await call('PUT', '/api/v1/questions/nps', { kind: 'nps', text: { en: 'Recommend?' }, retentionDays: 365 }))
            .status,
          201,
        );
        assert.equal(
          (await call('PUT', '/api/v1/questions/improve', { kind: 'open', text: { en: 'Improve?' } })).status,
          201,
        );
        await call('POST', '/api/v1/button-maps/default/all', {
          buttons: { '1': 'nps', '2': 'improve' },
          effectiveFrom: '2020-01-01T00:00:00Z',
        });
        const now = Date.now();
        const submit = async (button: number, ageDays: number) => {
          const clip = wavClip(indexSignal(1600), button, new Date(now - ageDays * DAY));
          assert.equal((await submitClip(ingest, 'pi-1', clip.meta, clip.audio)).status, 'complete');
          return clip.meta.clipId;
        };
        const oldImprove = await submit(2, 100);
        const oldNps = await submit(1, 100);
        const heldImprove = await submit(2, 100);
        const recent = await submit(2, 1);
        await db
          .insertInto('transcripts')
          .values({
            clip_id: oldImprove,
            engine: 't',
            language: 'en',
            text: 'queue',
            words_json: '[]',
            duration_ms: 1,
            created_at: new Date().toISOString(),
          })
          .execute();
        const keyOf = async (id: string) =>
          (await db.selectFrom('clips').select('storage_key').where('id', '=', id).executeTakeFirstOrThrow())
            .storage_key;
        const oldKey = await keyOf(oldImprove);

        const hold = await call('PUT', `/api/v1/clips/${heldImprove}/legal-hold`, {
          hold: true,
          reason: 'court order 12/3',
        });
        assert.deepEqual(hold, { status: 200, body: { id: heldImprove, legalHold: true } });

        const destroyer = new ClipDestroyer(db, blobs, quietLogger);
        const policy = new RetentionPolicy({ db, destroyer, defaultDays: 90, logger: quietLogger });
        const act = await policy.purge();
        assert.ok(act);
        assert.deepEqual([act.reason, act.clipIds, act.heldIds], ['retention', [oldImprove], [heldImprove]]);
        assert.equal(await blobs.size(oldKey), undefined, 'the audio is gone');
        assert.equal(
          await db.selectFrom('transcripts').select('clip_id').where('clip_id', '=', oldImprove).executeTakeFirst(),
          undefined,
        );
        const left = (await db.selectFrom('clips').select('id').execute()).map((r) => r.id).sort();
        assert.deepEqual(left, [oldNps, heldImprove, recent].sort());
        assert.equal(await policy.purge(), undefined, 'nothing more has expired');

        // The customer asks to be forgotten: yesterday, in the store's own day.
        const local = new Date(now - DAY + 3 * 3_600_000).toISOString().slice(0, 10);
        const dayAfter = new Date(Date.parse(local) + DAY).toISOString().slice(0, 10);
        const erasure = await call('POST', '/api/v1/erasures', {
          storeId: 's1',
          from: local,
          to: dayAfter,
          note: 'request 7',
        });
        assert.equal(erasure.status, 201, JSON.stringify(erasure.body));
        assert.deepEqual([erasure.body.reason, erasure.body.clipIds], ['erasure', [recent]]);
        assert.equal(erasure.body.requestedBy, 'harness-admin');
        assert.deepEqual(
          (await call('POST', '/api/v1/erasures', { storeId: 'nowhere', from: local, to: dayAfter })).status,
          404,
        );
        assert.deepEqual(
          (await call('POST', '/api/v1/erasures', { storeId: 's1', from: dayAfter, to: local })).status,
          400,
        );

        const acts = (await call('GET', '/api/v1/destruction-acts')).body as { items: { reason: string }[] };
        assert.deepEqual(
          acts.items.map((a) => a.reason),
          ['erasure', 'retention'],
          'refused requests leave no act',
        );
        const audited = (await call('GET', '/api/v1/audit?action=clip.legal_hold')).body as { items: unknown[] };
        assert.equal(audited.items.length, 1);
      } finally {
        await rig.close();
      }
    });
  });
}
