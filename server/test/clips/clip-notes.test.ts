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
  describe(`clip notes and follow-up on ${kind}`, () => {
    it('adds notes and sets/clears the follow-up flag, in store scope, audited; the list filters and counts', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      t.after(() => rig.close());
      const { db, ingest, app } = rig;
      const call = async (method: 'PUT' | 'POST' | 'GET' | 'DELETE', url: string, payload?: object, auth?: string) => {
        const response = await app.inject({
          method,
          url,
          ...(payload ? { payload } : {}),
          ...(auth ? { headers: { authorization: auth } } : {}),
        });
        return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
      };
      await call('PUT', '/api/v1/stores/tver', { name: 'Tver', timeZone: 'Europe/Moscow', language: 'en' });
      await call('PUT', '/api/v1/stores/vlad', { name: 'Vlad', timeZone: 'Asia/Vladivostok', language: 'en' });
      await call('PUT', '/api/v1/devices/pi-t', { storeId: 'tver' });
      await call('PUT', '/api/v1/devices/pi-v', { storeId: 'vlad' });
      const ids: string[] = [];
      for (const [device, at] of [
        ['pi-t', '2026-03-01T06:10:00Z'],
        ['pi-t', '2026-03-01T07:10:00Z'],
        ['pi-t', '2026-03-01T08:10:00Z'],
        ['pi-v', '2026-03-01T09:00:00Z'],
      ] as const) {
        const clip = wavClip(indexSignal(1600), 1, new Date(at));
        assert.equal((await submitClip(ingest, device, clip.meta, clip.audio)).status, 'complete');
        ids.push(clip.meta.clipId);
      }
      const [first, second, third, vlad] = ids as [string, string, string, string];
      const { user } = await new Users(db).upsert({ username: 'tanya', role: 'manager', stores: ['tver'] });
      const tanya = `Bearer ${(await new ApiTokens(db).create(user.id, 't', 1)).token}`;

      // Notes: signed and timed by the server, listed oldest first.
      const added = await call('POST', `/api/v1/clips/${first}/notes`, { body: '  Called back, happy now  ' }, tanya);
      assert.equal(added.status, 201);
      assert.equal(added.body.author, 'tanya');
      assert.equal(added.body.body, 'Called back, happy now');
      assert.ok(!Number.isNaN(Date.parse(String(added.body.createdAt))));
      assert.equal((await call('POST', `/api/v1/clips/${first}/notes`, { body: 'Second' })).status, 201);
      const notes = await call('GET', `/api/v1/clips/${first}/notes`, undefined, tanya);
      const items = notes.body.items as { body: string; author: string; createdAt: string }[];
      assert.deepEqual(
        items.map((n) => n.body),
        ['Called back, happy now', 'Second'],
      );
      assert.equal(items[0]?.author, 'tanya');
      assert.notEqual(items[1]?.author, 'tanya');
      assert.deepEqual((await call('GET', `/api/v1/clips/${second}/notes`)).body, { items: [] });

      // What was wrong is said in words.
      for (const [payload, error] of [
        [{ body: '   ' }, 'body/body: expected some text, not only spaces'],
        [{}, undefined],
        [{ body: 'x'.repeat(4001) }, undefined],
      ] as const) {
        const answer = await call('POST', `/api/v1/clips/${first}/notes`, payload, tanya);
        assert.equal(answer.status, 400, JSON.stringify(payload));
        if (error) assert.equal(answer.body.error, error);
      }

      // Outside the manager's stores the clip is not there: no notes, no flag, nothing learnt.
      assert.equal((await call('GET', `/api/v1/clips/${vlad}/notes`, undefined, tanya)).status, 404);
      assert.equal((await call('POST', `/api/v1/clips/${vlad}/notes`, { body: 'x' }, tanya)).status, 404);
      assert.equal((await call('PUT', `/api/v1/clips/${vlad}/follow-up`, undefined, tanya)).status, 404);
      assert.equal((await call('DELETE', `/api/v1/clips/${vlad}/follow-up`, undefined, tanya)).status, 404);
      assert.equal((await call('PUT', '/api/v1/clips/no-such-clip/follow-up')).status, 404);

      // Follow-up: set (twice keeps the first), shown on the clip, filtered by, cleared.
      const set = await call('PUT', `/api/v1/clips/${second}/follow-up`, undefined, tanya);
      assert.equal(set.status, 200);
      const flag = set.body.followUp as { by: string; at: string };
      assert.equal(flag.by, 'tanya');
      assert.deepEqual((await call('PUT', `/api/v1/clips/${second}/follow-up`)).body.followUp, flag);
      assert.equal((await call('PUT', `/api/v1/clips/${third}/follow-up`, undefined, tanya)).status, 200);
      assert.deepEqual((await call('GET', `/api/v1/clips/${second}`, undefined, tanya)).body.followUp, flag);
      assert.equal((await call('GET', `/api/v1/clips/${first}`, undefined, tanya)).body.followUp, null);

      const list = async (query: string, auth?: string) => {
        const { status, body } = await call('GET', `/api/v1/clips?${query}`, undefined, auth);
        assert.equal(status, 200, JSON.stringify(body));
        return { ids: (body.items as { id: string }[]).map((c) => c.id), total: body.total };
      };
      assert.deepEqual(await list('followUp=true', tanya), { ids: [third, second], total: 2 });
      assert.deepEqual(await list('followUp=false'), { ids: [vlad, first], total: 2 });
      assert.deepEqual(await list('', tanya), { ids: [third, second, first], total: 3 });
      assert.deepEqual(await list(''), { ids: [vlad, third, second, first], total: 4 });

      // The count is the whole result's, on the first page only; later pages do not count again.
      const page1 = await call('GET', '/api/v1/clips?limit=1&sort=oldest');
      assert.equal(page1.body.total, 4);
      const page2 = await call('GET', `/api/v1/clips?limit=1&sort=oldest&cursor=${String(page1.body.nextCursor)}`);
      assert.equal(page2.body.total, undefined);
      assert.deepEqual(
        (page2.body.items as { id: string }[]).map((c) => c.id),
        [second],
      );
      assert.equal((await call('GET', '/api/v1/clips?followUp=maybe')).status, 400);

      // The export carries the flag (who, when) and every note of each clip, oldest first.
      const csv = await app.inject({ url: '/api/v1/clips/export.csv', headers: { authorization: tanya } });
      assert.equal(csv.statusCode, 200, csv.body);
      const [header, ...records] = csvRecords(csv.body);
      const column = (name: string) => {
        const at = header?.indexOf(name) ?? -1;
        assert.ok(at >= 0, `no column ${name} in ${String(header)}`);
        return Object.fromEntries(records.map((r) => [r[0], r[at]])) as Record<string, string | undefined>;
      };
      assert.deepEqual(column('follow_up'), { [first]: 'no', [second]: 'yes', [third]: 'yes' });
      assert.equal(column('follow_up_by')[second], flag.by);
      assert.equal(column('follow_up_at')[second], flag.at);
      assert.equal(
        column('notes')[first],
        `${items[0]?.createdAt} tanya: Called back, happy now\n${items[1]?.createdAt} ${items[1]?.author}: Second`,
      );
      assert.equal(column('notes')[second], '');
      assert.ok(column('answer_form'));

      const cleared = await call('DELETE', `/api/v1/clips/${second}/follow-up`, undefined, tanya);
      assert.deepEqual(cleared.body, { clipId: second, followUp: null });
      assert.deepEqual(await list('followUp=true', tanya), { ids: [third], total: 1 });

      const audit = await db
        .selectFrom('audit_events')
        .select(['action', 'subject_id', 'store_id'])
        .where('username', '=', 'tanya')
        .where('action', 'like', 'clip.%')
        .where('action', 'not in', ['clip.listen', 'clip.export'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        audit.map((a) => [a.action, a.subject_id, a.store_id]),
        [
          ['clip.note', first, 'tver'],
          ['clip.follow-up.set', second, 'tver'],
          ['clip.follow-up.set', third, 'tver'],
          ['clip.follow-up.clear', second, 'tver'],
        ],
      );
    });
  });
}

/** RFC 4180 records (CRLF between records, "" for a quote inside a quoted field). */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      record.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return records;
}
