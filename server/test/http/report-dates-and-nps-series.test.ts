import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { saveMachineAnswer } from '../../src/answers/answer-store.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { machineAnswer } from '../support/answers.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { wavClip } from '../support/ingest-harness.js';

/**
 * The NPS and statistics routes speak /clips' date grammar (plain dates are whole local days, `to`
 * inclusive), count clips of no store in the zone the caller names, and give NPS per week or month
 * beside the period before.
 */
for (const kind of DATABASE_KINDS) {
  describe(`report dates and the NPS series on ${kind}`, () => {
    it('reads plain dates in each store zone, clips of no store in timeZone, and series per week and month', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, ingest, app } = rig;
      try {
        const get = async (url: string) => {
          const response = await app.inject({ method: 'GET', url });
          return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
        };
        const put = (url: string, payload: object) => app.inject({ method: 'PUT', url, payload });
        await put('/api/v1/stores/tver', { name: 'Tver', timeZone: 'Europe/Moscow', language: 'en' });
        await put('/api/v1/devices/pi-t', { storeId: 'tver' });
        await put('/api/v1/devices/pi-x', { storeId: null });
        await put('/api/v1/questions/nps', { kind: 'nps', text: { en: 'Recommend?' } });
        await app.inject({
          method: 'POST',
          url: '/api/v1/button-maps/default/all',
          payload: { buttons: { '1': 'nps' }, effectiveFrom: '2020-01-01T00:00:00Z' },
        });
        // [device, pressed at, score, question heard]
        const presses = [
          ['pi-t', '2026-02-10T09:00:00Z', 3, true], // previous period
          ['pi-t', '2026-03-01T21:30:00Z', 10, true], // 00:30 on Mon 2 March in Tver
          ['pi-t', '2026-03-04T09:00:00Z', 9, false],
          ['pi-t', '2026-03-10T09:00:00Z', null, true], // read, no score
          ['pi-x', '2026-03-01T21:30:00Z', 6, true], // 00:30 on 2 March in Moscow, 21:30 on 1 March in UTC
        ] as const;
        for (const [device, at, score, heard] of presses) {
          const clip = wavClip(indexSignal(1600), 1, new Date(at));
          assert.equal((await submitClip(ingest, device, clip.meta, clip.audio)).status, 'complete');
          const answer = machineAnswer('nps', score, {
            question: { heard, span: null, matched: null, similarity: heard ? 1 : 0 },
          });
          await saveMachineAnswer(db, clip.meta.clipId, answer, new Date().toISOString());
        }

        // Plain dates, `to` inclusive: 2 March alone holds Tver's 00:30 clip, and in Moscow time the storeless one.
        const day = 'from=2026-03-02&to=2026-03-02';
        assert.deepEqual((await get(`/api/v1/stats/volume?${day}&timeZone=Europe/Moscow`)).body, {
          rows: [
            { storeId: null, questionId: 'nps', day: '2026-03-02', clips: 1 },
            { storeId: 'tver', questionId: 'nps', day: '2026-03-02', clips: 1 },
          ],
        });
        // Without timeZone, clips of no store keep UTC days: the storeless clip is 1 March's.
        assert.deepEqual((await get(`/api/v1/stats/volume?${day}`)).body, {
          rows: [{ storeId: 'tver', questionId: 'nps', day: '2026-03-02', clips: 1 }],
        });
        // Presses per hour: the storeless clip in the named zone's hour, as the list shows it.
        const coverage = await get(`/api/v1/stats/coverage?${day}&timeZone=Europe/Moscow`);
        const hoursOf = (device: string) =>
          (coverage.body.devices as { deviceId: string; hours: number[] }[])
            .find((d) => d.deviceId === device)
            ?.hours.flatMap((n, hour) => (n > 0 ? [hour] : []));
        assert.deepEqual(hoursOf('pi-x'), [0]);
        assert.deepEqual(hoursOf('pi-t'), [0]);
        // `from` defaults to the 30 days that end with `to`: to 12 March they start on 11 February, after 10 February's clip.
        const clipsIn = async (query: string) => {
          const answer = await get(`/api/v1/stats/transcription?${query}&timeZone=Europe/Moscow`);
          assert.equal(answer.status, 200);
          return (answer.body.stores as { clips: number }[]).reduce((n, s) => n + s.clips, 0);
        };
        assert.equal(await clipsIn('to=2026-03-02'), 3);
        assert.equal(await clipsIn('to=2026-03-12'), 4);
        assert.equal((await get('/api/v1/stats/volume?from=2026-03-03&to=2026-03-02')).status, 400);
        assert.match(
          String((await get(`/api/v1/stats/volume?${day}&timeZone=Mars/Olympus`)).body.error),
          /timeZone: Mars\/Olympus is not a time zone/,
        );

        // /nps takes the same dates.
        const nps = await get(`/api/v1/nps?${day}&timeZone=Europe/Moscow`);
        assert.equal(nps.status, 200);
        assert.deepEqual([nps.body.answers, nps.body.promoters, nps.body.detractors], [2, 1, 1]);
        assert.equal((await get('/api/v1/nps?from=2026-03-02&to=2026-03-01')).status, 400);

        const march = 'from=2026-03-01&to=2026-03-31&timeZone=Europe/Moscow';
        const weekly = await get(`/api/v1/nps/series?interval=week&${march}`);
        assert.equal(weekly.status, 200);
        assert.deepEqual(weekly.body.periods, [
          '2026-02-23',
          '2026-03-02',
          '2026-03-09',
          '2026-03-16',
          '2026-03-23',
          '2026-03-30',
        ]);
        assert.deepEqual(weekly.body.previous, { from: '2026-01-29', to: '2026-02-28', days: 31 });
        const total = weekly.body.total as {
          nps: number;
          answers: number;
          read: number;
          questionHeardRate: number;
          answeredRate: number;
          previous: { nps: number; answers: number };
          points: { nps: number | null; answers: number }[];
        };
        assert.deepEqual(
          total.points.map((p) => [p.nps, p.answers]),
          [
            [null, 0],
            [33.3, 3],
            [null, 0],
            [null, 0],
            [null, 0],
            [null, 0],
          ],
        );
        assert.deepEqual([total.nps, total.answers, total.read], [33.3, 3, 4]);
        assert.deepEqual([total.questionHeardRate, total.answeredRate], [0.75, 0.75]);
        assert.deepEqual([total.previous.nps, total.previous.answers], [-100, 1]);
        const stores = weekly.body.stores as { storeId: string | null; nps: number; questionHeardRate: number }[];
        assert.deepEqual(
          stores.map((s) => [s.storeId, s.nps, s.questionHeardRate]),
          [
            [null, -100, 1],
            ['tver', 100, 0.667],
          ],
        );
        const monthly = await get(`/api/v1/nps/series?interval=month&${march}&storeId=tver`);
        assert.deepEqual(monthly.body.periods, ['2026-03-01']);
        assert.deepEqual((monthly.body.total as { points: unknown[] }).points, [
          { nps: 100, answers: 2, promoters: 2, passives: 0, detractors: 0 },
        ]);
        assert.equal((await get('/api/v1/nps/series?interval=year')).status, 400);
        assert.match(
          String((await get('/api/v1/nps/series?from=2026-03-01')).body.error),
          /both be dates \(local\) or both instants/,
        );
      } finally {
        await rig.close();
      }
    });
  });
}
