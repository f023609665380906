import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { submitClip } from '../../src/import/submit-clip.js';
import { storeAnswer } from '../support/answers.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { wavClip } from '../support/ingest-harness.js';

interface Item {
  id: string;
  storeId: string;
  match?: { snippet: string; startMs: number | null };
}

for (const kind of DATABASE_KINDS) {
  describe(`clip filters, transcript search and CSV export on ${kind}`, () => {
    it('finds clips by store, question, time in the store’s zone, score, words; pages both ways; exports CSV', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, ingest, app } = rig;
      try {
        const put = async (url: string, payload: object) =>
          assert.ok([200, 201].includes((await app.inject({ method: 'PUT', url, payload })).statusCode), url);
        await put('/api/v1/stores/tver', { name: 'Tver', timeZone: 'Europe/Moscow', language: 'ru-RU' });
        await put('/api/v1/stores/vlad', { name: 'Vladivostok', timeZone: 'Asia/Vladivostok', language: 'ru-RU' });
        await put('/api/v1/devices/pi-tver', { storeId: 'tver' });
        await put('/api/v1/devices/pi-vlad', { storeId: 'vlad' });
        await put('/api/v1/questions/nps', { kind: 'nps', text: { en: 'Recommend us?' } });
        await put('/api/v1/questions/improve', { kind: 'open', text: { en: 'Improve?' } });
        const map = await app.inject({
          method: 'POST',
          url: '/api/v1/button-maps/default/all',
          payload: { buttons: { '1': 'nps', '2': 'improve' }, effectiveFrom: '2026-01-01T00:00:00Z' },
        });
        assert.equal(map.statusCode, 201, map.body);

        // [device, button, pressed at (UTC), transcript, NPS score]
        const plan: [string, number, string, string | null, number | null][] = [
          ['pi-tver', 1, '2026-03-01T06:00:00Z', 'I would recommend you, nine out of ten', 9],
          ['pi-tver', 2, '2026-03-01T20:30:00Z', 'Очередь на кассе была слишком длинной', null],
          ['pi-vlad', 1, '2026-03-01T14:30:00Z', 'Maybe three, the queue was terrible, "=cmd"', 3],
          ['pi-vlad', 3, '2026-03-01T15:30:00Z', null, null],
        ];
        const ids: string[] = [];
        for (const [device, button, at, text, score] of plan) {
          const clip = wavClip(indexSignal(1600), button, new Date(at));
          assert.equal((await submitClip(ingest, device, clip.meta, clip.audio)).status, 'complete');
          ids.push(clip.meta.clipId);
          if (text !== null) {
            const words = text
              .split(' ')
              .map((word, i) => ({ word, startMs: 1000 + i * 400, endMs: 1300 + i * 400, confidence: 1 }));
            await db
              .insertInto('transcripts')
              .values({
                clip_id: clip.meta.clipId,
                engine: 'test',
                language: 'en',
                text,
                words_json: JSON.stringify(words),
                duration_ms: 3000,
                created_at: at,
              })
              .execute();
          }
          // As the transcription worker leaves them: the silent clip's reading failed.
          await db
            .updateTable('clips')
            .set({ status: text === null ? 'failed' : 'transcribed' })
            .where('id', '=', clip.meta.clipId)
            .execute();
          if (score !== null) await storeAnswer(db, clip.meta.clipId, 'nps', score);
        }
        const [nine, queueRu, three, silent] = ids;
        const list = async (query: string) => {
          const response = await app.inject({ url: `/api/v1/clips?${query}` });
          assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
          return response.json<{ items: Item[]; nextCursor?: string }>();
        };
        const idsOf = async (query: string) => (await list(query)).items.map((c) => c.id);
        const names = new Map<string | undefined, string>();
        const expectIds = async (query: string, expected: (string | undefined)[], why = '') => {
          const actual = (await idsOf(query)).map((id) => names.get(id) ?? id);
          assert.deepEqual(
            actual,
            expected.map((id) => names.get(id) ?? id),
            `${query} ${why}`,
          );
        };
        for (const [i, name] of ['nine', 'queueRu', 'three', 'silent'].entries()) names.set(ids[i], name);

        await expectIds('storeId=tver', [queueRu, nine]);
        await expectIds('storeId=tver&storeId=vlad&questionId=nps', [three, nine]);
        await expectIds('hasTranscript=false', [silent]);
        // Sent to be transcribed again, a clip is no longer marked transcribed, but keeps its
        // transcript until the new one: it is still a clip with a transcript.
        const again = await app.inject({ method: 'POST', url: `/api/v1/clips/${nine}/transcribe` });
        assert.equal(again.statusCode, 202, again.body);
        await expectIds('hasTranscript=false', [silent], 'with one clip being transcribed again');
        await expectIds('hasTranscript=true&storeId=tver', [queueRu, nine], 'with one clip being transcribed again');
        await expectIds('npsMin=9', [nine]);
        await expectIds('npsMax=6', [three]);
        // Each store's own day: Tver is UTC+3 (20:30Z is 23:30 on 1 March there), Vladivostok
        // UTC+10 (14:30Z is already 00:30 on 2 March there).
        // A range of dates names whole local days, both included: from 1 March to 1 March is that day.
        await expectIds('from=2026-03-01&to=2026-03-01', [queueRu, nine]);
        await expectIds('from=2026-03-01&to=2026-03-02', [queueRu, silent, three, nine]);
        await expectIds('from=2026-03-02', [silent, three]);
        await expectIds('from=2026-03-01T14:00:00Z&to=2026-03-01T15:00:00Z', [three]);

        const found = await list('q=queue');
        assert.deepEqual(
          found.items.map((c) => c.id),
          [three],
        );
        assert.deepEqual(found.items[0]?.match, {
          snippet: 'Maybe three, the [queue] was terrible, "=cmd"',
          startMs: 2200,
        });
        await expectIds('q=ОЧЕРЕД', [queueRu], 'case-insensitive prefix in Cyrillic');
        await expectIds('q=recommend%20nine', [nine]);
        await expectIds('q=recommend%20queue', [], 'every word must appear');
        await expectIds('q=%22%3B%20drop', [], 'punctuation is not query syntax');
        // Narrowed to stores or a device: the same clips, however each database reaches them.
        await expectIds('q=queue&storeId=vlad', [three]);
        await expectIds('q=queue&storeId=tver', []);
        await expectIds('q=ОЧЕРЕД&deviceId=pi-tver', [queueRu]);
        await expectIds('q=recommend%20nine&storeId=tver&storeId=vlad', [nine]);
        await expectIds('q=recommend%20queue&storeId=tver', [], 'every word must appear');

        const first = await list('sort=oldest&limit=3');
        assert.deepEqual(
          first.items.map((c) => c.id),
          [nine, three, silent],
        );
        assert.ok(first.nextCursor);
        await expectIds(`sort=oldest&limit=3&cursor=${first.nextCursor}`, [queueRu]);

        assert.equal((await app.inject({ url: '/api/v1/clips?npsMin=9&npsMax=3' })).statusCode, 400);
        assert.equal((await app.inject({ url: '/api/v1/clips?from=yesterday' })).statusCode, 400);

        const csv = await app.inject({ url: '/api/v1/clips/export.csv?storeId=vlad' });
        assert.equal(csv.statusCode, 200, csv.body);
        assert.equal(csv.statusCode, 200);
        assert.match(String(csv.headers['content-type']), /^text\/csv/);
        const lines = csv.body.trimEnd().split('\r\n');
        assert.equal(lines.length, 3);
        assert.match(lines[0] ?? '', /^clip_id,pressed_at_utc,store_id/);
        assert.equal(
          lines[1],
          `${three},2026-03-01T14:30:00.000Z,vlad,pi-vlad,1,nps,0.1,no,0,3,nps,3,machine,0.95,no,yes,,no,,,,"Maybe three, the queue was terrible, ""=cmd"""`,
        );
        const audit = (await app.inject({ url: '/api/v1/audit?action=clip.export' })).json<{
          items: { details: { clips: number } }[];
        }>();
        assert.equal(audit.items[0]?.details.clips, 2);
      } finally {
        await rig.close();
      }
    });
  });
}
