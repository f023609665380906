import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { ApiTokens } from '../../src/access/api-tokens.js';
import { Users } from '../../src/access/users.js';
import type { MachineAnswer } from '../../src/answers/answer.js';
import type { Database } from '../../src/db/database.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { wavClip } from '../support/ingest-harness.js';

/** The row the transcription worker leaves: a machine reading, sure or not. */
async function machineReads(
  db: Database,
  clipId: string,
  form: MachineAnswer['form'],
  value: number | null,
  sure: boolean,
) {
  const machine = {
    form,
    value: sure ? value : null,
    confidence: sure ? 0.95 : 0.3,
    needsReview: !sure,
    reason: sure ? 'heard "nine"' : 'unsure: "mine out of ten"',
    evidence: [],
    text: 'mine out of ten',
    window: { startMs: 1000, endMs: 3000 },
    pressMs: 2500,
    question: { heard: true, span: { startMs: 0, endMs: 900 }, matched: 'recommend', similarity: 0.9 },
    readings: [],
  } satisfies MachineAnswer;
  await db
    .insertInto('answers')
    .values({
      clip_id: clipId,
      form,
      value: sure ? value : null,
      source: sure && value !== null ? 'machine' : null,
      needs_review: sure ? 0 : 1,
      question_heard: 1,
      machine_value: machine.value,
      machine_confidence: machine.confidence,
      machine_json: JSON.stringify(machine),
      human_value: null,
      human_by: null,
      human_at: null,
      read_at: new Date().toISOString(),
    })
    .execute();
}

for (const kind of DATABASE_KINDS) {
  describe(`a person's answers on ${kind}`, () => {
    it('sets, corrects and takes back answers, validated per form, scoped, audited; the review queue pages', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, ingest, app } = rig;
      const call = async (
        method: 'PUT' | 'POST' | 'GET' | 'DELETE',
        url: string,
        payload?: object,
        authorization?: string,
      ) => {
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
        ['pi-t', 1, '2026-03-01T06:10:00Z'],
        ['pi-t', 1, '2026-03-01T07:10:00Z'],
        ['pi-t', 1, '2026-03-01T08:10:00Z'],
        ['pi-v', 1, '2026-03-01T09:00:00Z'],
        ['pi-t', 2, '2026-03-01T10:00:00Z'],
      ] as const) {
        const clip = wavClip(indexSignal(1600), button, new Date(at));
        assert.equal((await submitClip(ingest, device, clip.meta, clip.audio)).status, 'complete');
        ids.push(clip.meta.clipId);
      }
      const [sure, unsure1, unsure2, vlad, open] = ids as [string, string, string, string, string];
      await machineReads(db, sure, 'nps', 9, true);
      await machineReads(db, unsure1, 'nps', null, false);
      await machineReads(db, unsure2, 'nps', null, false);
      await machineReads(db, vlad, 'nps', null, false);
      await machineReads(db, open, 'text', null, true);

      // The queue: unsure readings, oldest first, one page at a time.
      const first = await call('GET', '/api/v1/answers/review?limit=2');
      assert.equal(first.status, 200);
      assert.equal(first.body.total, 3);
      const page1 = first.body.items as { clipId: string; form: string; pressMs: number; window: object }[];
      assert.deepEqual(
        page1.map((i) => i.clipId),
        [unsure1, unsure2],
      );
      assert.equal(page1[0]?.pressMs, 2500);
      assert.deepEqual(page1[0]?.window, { startMs: 1000, endMs: 3000 });
      const second = await call('GET', `/api/v1/answers/review?limit=2&cursor=${String(first.body.nextCursor)}`);
      assert.deepEqual(
        (second.body.items as { clipId: string }[]).map((i) => i.clipId),
        [vlad],
      );
      assert.equal(second.body.nextCursor, null);
      assert.equal((await call('GET', '/api/v1/answers/review?cursor=bm9wZQ')).status, 400);

      // Values must fit the form, and say what was expected.
      assert.deepEqual(await call('PUT', `/api/v1/clips/${unsure1}/answer`, {}), {
        status: 400,
        body: { error: 'body/value: expected a score from 0 to 10, or declined: true for no answer given' },
      });
      // null, false and "" would pass the validator as 0: a wrong score is never recorded.
      for (const value of [null, false, '', '9']) {
        assert.equal((await call('PUT', `/api/v1/clips/${unsure1}/answer`, { value })).status, 400);
      }
      assert.equal((await call('PUT', `/api/v1/clips/${unsure1}/answer`, { value: 11 })).status, 400);
      assert.equal((await call('PUT', `/api/v1/clips/${open}/answer`, { value: 3 })).status, 400);
      assert.equal((await call('PUT', `/api/v1/clips/${open}/answer`, {})).status, 200);
      assert.equal((await call('PUT', '/api/v1/clips/no-such-clip/answer', { value: 3 })).status, 404);

      // A manager of Tver answers Tver's clips; Vladivostok's is not there for them.
      const { user } = await new Users(db).upsert({ username: 'tanya', role: 'manager', stores: ['tver'] });
      const tanya = `Bearer ${(await new ApiTokens(db).create(user.id, 't', 1)).token}`;
      assert.equal((await call('PUT', `/api/v1/clips/${vlad}/answer`, { value: 8 }, tanya)).status, 404);
      assert.equal((await call('GET', '/api/v1/answers/review', undefined, tanya)).body.total, 2);
      const set = await call('PUT', `/api/v1/clips/${unsure1}/answer`, { value: 9 }, tanya);
      assert.equal(set.status, 200);
      assert.equal(set.body.value, 9);
      assert.equal(set.body.source, 'human');
      assert.equal((await call('PUT', `/api/v1/clips/${unsure2}/answer`, { declined: true }, tanya)).status, 200);
      // Correcting a sure machine answer: the person's wins, the machine's is kept beside it.
      assert.equal((await call('PUT', `/api/v1/clips/${sure}/answer`, { value: 6 }, tanya)).status, 200);
      const row = await db.selectFrom('answers').selectAll().where('clip_id', '=', sure).executeTakeFirstOrThrow();
      assert.equal(row.value, 6);
      assert.equal(row.machine_value, 9);
      assert.equal(row.human_by, user.id);

      assert.equal((await call('GET', '/api/v1/answers/review', undefined, tanya)).body.total, 0);
      assert.deepEqual((await call('GET', '/api/v1/answers/summary', undefined, tanya)).body, {
        machine: 0,
        confirmed: 3,
        declined: 1,
        awaitingReview: 0,
      });
      assert.deepEqual((await call('GET', '/api/v1/answers/summary')).body, {
        machine: 0,
        confirmed: 3,
        declined: 1,
        awaitingReview: 1,
      });

      // The person's answers are the ones NPS counts: 6 (over the machine's 9) and 9; declined is no score.
      const corrected = (await call('GET', '/api/v1/nps', undefined, tanya)).body;
      assert.deepEqual([corrected.nps, corrected.answers, corrected.confirmed], [0, 2, 2]);

      // Taking back the correction puts the machine's 9 in force again.
      const revert = await call('DELETE', `/api/v1/clips/${sure}/answer`, undefined, tanya);
      assert.equal(revert.status, 200);
      assert.equal(revert.body.value, 9);
      assert.equal(revert.body.source, 'machine');
      const reverted = (await call('GET', '/api/v1/nps', undefined, tanya)).body;
      assert.deepEqual([reverted.nps, reverted.answers, reverted.confirmed], [100, 2, 1]);
      assert.equal((await call('DELETE', `/api/v1/clips/${sure}/answer`, undefined, tanya)).status, 404);

      const audit = await db
        .selectFrom('audit_events')
        .select(['action', 'username', 'subject_id', 'details_json'])
        .where('action', 'like', 'clip.answer%')
        .where('username', '=', 'tanya')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        audit.map((a) => [a.action, a.subject_id]),
        [
          ['clip.answer', unsure1],
          ['clip.answer', unsure2],
          ['clip.answer', sure],
          ['clip.answer.revert', sure],
        ],
      );
      const correction = JSON.parse(audit[2]?.details_json ?? '{}') as Record<string, unknown>;
      assert.deepEqual(correction.before, { source: 'machine', value: 9 });
      assert.deepEqual(correction.after, { value: 6, declined: false });
    });
  });
}
