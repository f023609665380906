import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays } from '../../src/clips/pressed-range.js';
import { localDayAndHour } from '../../src/clips/zoned-time.js';
import { CORPUS_START, corpusRows, PRESS_EVERY_MS, seedChain, seedClips } from '../support/clip-corpus.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { purgeAsOf } from '../support/retention-purge.js';

const STORES = 5;
const CLIPS = 4000;
/** The zone of clips of no store, as the caller names it. */
const CALLER_ZONE = 'America/Sao_Paulo';

/** A canonical order to compare answers whose order is not what is checked. */
const byJson = (a: object, b: object) => (canonical(a) < canonical(b) ? -1 : 1);
const canonical = (row: object) => JSON.stringify(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)));

interface VolumeRow {
  storeId?: string | null;
  questionId?: string | null;
  day: string;
  clips: number;
}

/**
 * `clip_counts` (migration 0024) and `device_hour_counts` (0025) are kept by triggers, whoever
 * writes the clips. Here they are checked against the same counts made from scratch, from every
 * clip row as it is now, after each event that could part them: clips filed (with and without a
 * store), their status changed, a store's zone changed, clips filed under another question,
 * another store and no store, removed and filed again, a retention purge and an erasure. And the
 * API, which reads them, must give between plain dates what it gives between the same local times
 * (counted from the clips), and between instants what this test counts from every clip row: the
 * volume in every grouping, the clips by status, and each device's presses per hour.
 */
for (const kind of DATABASE_KINDS) {
  describe(`clip counts kept per day (and per device and hour) equal the counts from scratch on ${kind}`, () => {
    it('after inserts, status changes, a zone change, refilings, removals, a purge and an erasure', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, app } = rig;
      try {
        const call = async <T>(method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) => {
          const response = await app.inject({ method, url, ...(payload ? { payload } : {}) });
          assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode} ${response.body}`);
          return response.json<T>();
        };
        await seedChain(db, STORES);
        await seedClips(db, STORES, 0, CLIPS / 2);
        // A week later (8 January) and a month later (4 February).
        await seedClips(db, STORES, 20_160, 20_200);
        await seedClips(db, STORES, 100_000, 100_040);

        /**
         * From every clip of a store as it is now: clips per local day, store, question and status;
         * and per local day, store and device, the clips of each local hour.
         */
        const fromScratch = async () => {
          const clips = await db
            .selectFrom('clips')
            .select(['pressed_at', 'local_day', 'store_id', 'question_id', 'status', 'device_id', 'local_hour'])
            .execute();
          const counts = new Map<string, number>();
          const hours = new Map<string, number[]>();
          for (const row of clips.filter((clip) => clip.store_id !== null)) {
            assert.ok(row.local_day, `a clip of ${row.store_id} has its local day`);
            const key = JSON.stringify([row.local_day, row.store_id, row.question_id ?? '', row.status]);
            counts.set(key, (counts.get(key) ?? 0) + 1);
            const device = JSON.stringify([row.local_day, row.store_id, row.device_id]);
            const day = hours.get(device) ?? new Array<number>(24).fill(0);
            day[Number(row.local_hour)] = (day[Number(row.local_hour)] ?? 0) + 1;
            hours.set(device, day);
          }
          const sorted = <T>(map: Map<string, T>) => [...map].sort(([a], [b]) => a.localeCompare(b));
          return { counts: sorted(counts), hours: sorted(hours), clips };
        };
        type ClipRow = Awaited<ReturnType<typeof fromScratch>>['clips'][number];
        /**
         * What the API must answer between two instants, counted here from every clip row pressed
         * between them: days and hours of clips of no store in the caller's zone.
         */
        const betweenInstants = (clips: ClipRow[], from: string, to: string | undefined) => {
          const [start, end] = [from, to].map((t) => t && new Date(t).toISOString());
          const inRange = clips
            .filter((clip) => clip.pressed_at >= (start as string) && (end === undefined || clip.pressed_at < end))
            .map((clip) => {
              const local = localDayAndHour(clip.pressed_at, CALLER_ZONE);
              return { ...clip, day: clip.local_day ?? local.day, hour: clip.local_hour ?? local.hour };
            });
          const tally = <K>(key: (clip: (typeof inRange)[number]) => K) => {
            const counts = new Map<string, number>();
            for (const clip of inRange) {
              const k = JSON.stringify(key(clip));
              counts.set(k, (counts.get(k) ?? 0) + 1);
            }
            return counts;
          };
          const volume = (groupBy: string) =>
            [
              ...tally((c) => ({
                ...(groupBy === 'store-question' || groupBy === 'store' ? { storeId: c.store_id } : {}),
                ...(groupBy === 'store-question' || groupBy === 'question' ? { questionId: c.question_id } : {}),
                day: c.day,
              })),
            ]
              .map(([key, clips]) => ({ ...(JSON.parse(key) as object), clips }))
              .sort(byJson);
          const statuses = [...tally((c) => [c.store_id, c.status])].map(([key, clips]) => {
            const [storeId, status] = JSON.parse(key) as [string | null, string];
            return { storeId, status, clips };
          });
          const devices = new Map<string, number[]>();
          for (const clip of inRange) {
            const hours = devices.get(clip.device_id) ?? new Array<number>(24).fill(0);
            hours[Number(clip.hour)] = (hours[Number(clip.hour)] ?? 0) + 1;
            devices.set(clip.device_id, hours);
          }
          return {
            volume,
            byStatus: statuses.sort(byJson),
            devices: [...devices].map(([deviceId, hours]) => ({ deviceId, hours })).sort(byJson),
          };
        };
        const keptHours = async () => {
          const rows = await db.selectFrom('device_hour_counts').selectAll().execute();
          return rows
            .map((r): [string, number[]] => [
              JSON.stringify([r.local_day, r.store_id, r.device_id]),
              Array.from({ length: 24 }, (_, hour) => Number(r[`h${hour}`])),
            ])
            .filter(([, hours]) => hours.some((n) => n !== 0))
            .sort(([a], [b]) => a.localeCompare(b));
        };
        const coverage = async (range: string) =>
          (
            await call<{ devices: { deviceId: string; hours: number[] }[] }>(
              'GET',
              `/api/v1/stats/coverage?${range}&timeZone=${CALLER_ZONE}`,
            )
          ).devices;
        const kept = async () => {
          const rows = await db.selectFrom('clip_counts').selectAll().execute();
          return rows
            .map((r): [string, number] => [
              JSON.stringify([r.local_day, r.store_id, r.question_id, r.status]),
              Number(r.clips),
            ])
            .filter(([, n]) => n !== 0)
            .sort(([a], [b]) => a.localeCompare(b));
        };
        const volume = async (range: string, groupBy: string) =>
          (
            await call<{ rows: VolumeRow[] }>(
              'GET',
              `/api/v1/stats/volume?${range}&timeZone=${CALLER_ZONE}&groupBy=${groupBy}`,
            )
          ).rows;
        const transcription = async (range: string) =>
          (
            await call<{ stores: { storeId: string | null; byStatus: Record<string, number> }[] }>(
              'GET',
              `/api/v1/stats/transcription?${range}&timeZone=${CALLER_ZONE}`,
            )
          ).stores;
        const agree = async (when: string) => {
          const scratch = await fromScratch();
          assert.ok(scratch.counts.length > 0, `${when}: a corpus of clips`);
          assert.deepEqual(await kept(), scratch.counts, when);
          assert.deepEqual(await keptHours(), scratch.hours, `${when}: hours`);
          // The corpus's first days, and two days inside them, from its first day's eve; then
          // ranges over its later clips too.
          for (const [from, to] of [
            ['2024-12-31', '2025-01-03'],
            ['2025-01-01', '2025-01-02'],
            ['2024-12-23', '2025-02-09'],
            ['2025-01-06', '2025-02-04'],
          ] as const) {
            const asLocalTimes = `from=${from}T00:00&to=${addDays(to, 1)}T00:00`;
            for (const groupBy of ['store-question', 'store', 'question', 'day']) {
              const counted = await volume(`from=${from}&to=${to}`, groupBy);
              assert.ok(counted.length > 0, `${when}, ${from} to ${to}, ${groupBy}: rows`);
              assert.deepEqual(counted, await volume(asLocalTimes, groupBy), `${when}, ${from} to ${to}, ${groupBy}`);
            }
            const statuses = await transcription(`from=${from}&to=${to}`);
            assert.deepEqual(statuses, await transcription(asLocalTimes), `${when}, ${from} to ${to}: transcription`);
            // Clips of no store first, then the stores by id, on both databases.
            const order = statuses.map((s) => s.storeId);
            assert.deepEqual(
              order,
              [...order].sort((a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1)),
              `${when}: stores in order`,
            );
            const devices = await coverage(`from=${from}&to=${to}`);
            assert.ok(devices.length > 0, `${when}, ${from} to ${to}: devices`);
            assert.deepEqual(devices, await coverage(asLocalTimes), `${when}, ${from} to ${to}: coverage`);
          }
          // Ranges of instants count the days whole in every store's zone from the counts, and the
          // clips at their ends from the clips: the end cut inside the corpus, then the start, then
          // a range with no whole day, one open at its end, and one with an offset.
          for (const [from, to] of [
            ['2024-12-31T12:00:00Z', '2025-01-02T07:30:00Z'],
            ['2025-01-01T07:45:00Z', '2025-01-03T02:00:00Z'],
            ['2025-01-01T05:17:00Z', '2025-01-02T06:00:00Z'],
            ['2025-01-01T06:10:00Z', undefined],
            ['2025-01-01T10:45:00+03:00', '2025-01-04T00:00:00+05:45'],
          ] as const) {
            const range = `from=${encodeURIComponent(from)}${to ? `&to=${encodeURIComponent(to)}` : ''}`;
            const at = `${when}, ${from} to ${to ?? 'the end'}`;
            const expected = betweenInstants(scratch.clips, from, to);
            assert.ok(expected.devices.length > 0, `${at}: clips in the range`);
            for (const groupBy of ['store-question', 'store', 'question', 'day']) {
              const rows = await volume(range, groupBy);
              assert.deepEqual([...rows].sort(byJson), expected.volume(groupBy), `${at}, ${groupBy}`);
            }
            const statuses = (await transcription(range)).flatMap(({ storeId, byStatus }) =>
              Object.entries(byStatus).map(([status, clips]) => ({ storeId, status, clips })),
            );
            assert.deepEqual(statuses.sort(byJson), expected.byStatus, `${at}: transcription`);
            assert.deepEqual([...(await coverage(range))].sort(byJson), expected.devices, `${at}: coverage`);
          }
        };

        await agree('after the first clips');
        await seedClips(db, STORES, CLIPS / 2, CLIPS);
        // Clips of no store: counted from the clips, beside the counts.
        const unassigned = corpusRows(STORES, CLIPS, CLIPS + 60).clips.map((clip) => ({
          ...clip,
          store_id: null,
          local_day: null,
          local_hour: null,
        }));
        await db.insertInto('clips').values(unassigned).execute();
        await agree('after more clips, some of no store');

        // Clips transcribed, failed and sent for transcription again.
        const some = (await db.selectFrom('clips').select('id').orderBy('id').limit(60).execute()).map((c) => c.id);
        await db.updateTable('clips').set({ status: 'failed' }).where('id', 'in', some.slice(0, 20)).execute();
        await db.updateTable('clips').set({ status: 'received' }).where('id', 'in', some.slice(20, 40)).execute();
        await db.updateTable('clips').set({ status: 'transcribing' }).where('id', 'in', some.slice(40, 60)).execute();
        await db.updateTable('clips').set({ status: 'transcribed' }).where('id', 'in', some.slice(10, 30)).execute();
        await agree('after clips changed status');

        // A store moves to a zone a day away: its clips' local days move, and their counts with them.
        await call('PUT', '/api/v1/stores/store-1', {
          name: 'Store 1',
          timeZone: 'Pacific/Kiritimati',
          language: 'en',
        });
        await agree("after a store's zone changed");

        // Clips filed under another question, another store, no question and no store.
        const ids = (await db.selectFrom('clips').select('id').orderBy('id').execute()).map((c) => c.id);
        await db.updateTable('clips').set({ question_id: 'improve' }).where('id', 'in', ids.slice(100, 110)).execute();
        await db
          .updateTable('clips')
          .set({ store_id: 'store-2' })
          .where('id', 'in', ids.slice(110, 120))
          .where('store_id', '<>', 'store-2')
          .execute();
        await db.updateTable('clips').set({ question_id: null }).where('id', 'in', ids.slice(120, 130)).execute();
        await db
          .updateTable('clips')
          .set({ store_id: null, local_day: null, local_hour: null })
          .where('id', 'in', ids.slice(130, 140))
          .execute();
        await agree('after clips were refiled');

        // Removed, and filed again.
        const rows = await db.selectFrom('clips').selectAll().where('id', 'in', ids.slice(140, 150)).execute();
        await db.deleteFrom('clips').where('id', 'in', ids.slice(140, 150)).execute();
        await agree('after clips were removed');
        await db.insertInto('clips').values(rows).execute();
        await agree('after clips were filed again');

        // Retention: clips pressed before a cutoff are destroyed.
        const purged = await purgeAsOf(
          db,
          rig.blobs,
          new Date(CORPUS_START + (CLIPS / 4) * PRESS_EVERY_MS + 86_400_000),
        );
        assert.ok(purged > 0, 'the purge destroyed clips');
        await agree('after a retention purge');

        // A customer is forgotten: a store's clips in a window are erased.
        const erased = await call<{ clipIds: string[] }>('POST', '/api/v1/erasures', {
          storeId: 'store-3',
          from: new Date(CORPUS_START + (CLIPS / 2) * PRESS_EVERY_MS).toISOString(),
          to: new Date(CORPUS_START + CLIPS * PRESS_EVERY_MS).toISOString(),
        });
        assert.ok(erased.clipIds.length > 0, 'the erasure destroyed clips');
        await agree('after an erasure');
      } finally {
        await rig.close();
      }
    });
  });
}
