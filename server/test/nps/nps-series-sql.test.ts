import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Interval, startOf } from '../../src/clips/period-start.js';
import { localDayAndHour } from '../../src/clips/zoned-time.js';
import { npsClassOf } from '../../src/nps/nps-class.js';
import { npsSeries } from '../../src/nps/nps-series.js';
import { NpsTally } from '../../src/nps/nps-tally.js';
import { corpusRows, seedChain } from '../support/clip-corpus.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';

// Zones with summer time (north and south, one with a half-hour shift), a three-quarter-hour
// offset and one far east; clips of no store are read in NO_STORE_ZONE.
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Asia/Vladivostok'];
const NO_STORE_ZONE = 'America/Los_Angeles';
const CLIPS = 9000;
// A press every 2 h 53 min 17 s over 2025 lands at every local hour of every week and month, on
// both sides of each offset change.
const STEP_MS = (2 * 3600 + 53 * 60 + 17) * 1000;
const START = Date.UTC(2025, 0, 1);

/**
 * The series groups answers by each store's local week or month in the database; these are the
 * counts the server made when it read every answer and bucketed it with clips/zoned-time.ts.
 */
for (const kind of DATABASE_KINDS) {
  describe(`NPS series grouped in SQL on ${kind}`, () => {
    it('counts each store’s local weeks and months as the server’s own calendar does, across summer time', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      const { db } = test;
      try {
        await seedChain(db, ZONES.length);
        for (const [n, zone] of ZONES.entries())
          await db.updateTable('stores').set({ time_zone: zone }).where('id', '=', `store-${n}`).execute();
        const rows = corpusRows(ZONES.length, 0, CLIPS);
        rows.clips.forEach((clip, i) => {
          clip.pressed_at = new Date(START + i * STEP_MS).toISOString();
          if (i % 11 === 5) clip.store_id = null;
          // Local day and hour as ingest writes them, in the store's zone set above.
          const zone = clip.store_id ? ZONES[Number(clip.store_id.slice('store-'.length))] : undefined;
          const local = zone ? localDayAndHour(clip.pressed_at, zone) : undefined;
          clip.local_day = local?.day ?? null;
          clip.local_hour = local?.hour ?? null;
        });
        const chunks = <T>(all: T[]) =>
          Array.from({ length: Math.ceil(all.length / 1000) }, (_, k) => all.slice(k * 1000, k * 1000 + 1000));
        for (const chunk of chunks(rows.clips)) await db.insertInto('clips').values(chunk).execute();
        for (const chunk of chunks(rows.answers)) await db.insertInto('answers').values(chunk).execute();
        // Some of the questions heard, so the heard rate is not all or nothing.
        await db
          .updateTable('answers')
          .set({ question_heard: 1 })
          .where(
            'clip_id',
            'in',
            rows.answers.filter((_, k) => k % 3 === 0).map((a) => a.clip_id),
          )
          .execute();

        const answers = (
          await db
            .selectFrom('answers')
            .innerJoin('clips', 'clips.id', 'answers.clip_id')
            .leftJoin('stores', 'stores.id', 'clips.store_id')
            .where('answers.form', '=', 'nps')
            .select((eb) => [
              'clips.store_id',
              'clips.pressed_at',
              'stores.time_zone',
              npsClassOf(eb).as('class'),
              'answers.question_heard',
            ])
            .execute()
        ).map((row) => ({ ...row, day: localDayAndHour(row.pressed_at, row.time_zone ?? NO_STORE_ZONE).day }));

        // Plain dates (each store's own days, counted from nps_days) and instants (from the clips).
        const ranges = [
          { from: '2025-07-01', to: '2025-12-31' },
          { from: '2025-07-01T12:00:00.000Z', to: '2025-12-31T12:00:00.000Z' },
        ];
        for (const [interval, { from, to }] of (['week', 'month'] as Interval[]).flatMap((i) =>
          ranges.map((r) => [i, r] as const),
        )) {
          const series = await npsSeries(db, { from, to, interval, noStoreZone: NO_STORE_ZONE });
          const before = series.previous;
          assert.ok(before);
          const tallies = new Map<string, NpsTally>();
          const tallyOf = (key: string) => tallies.get(key) ?? tallies.set(key, new NpsTally()).get(key)!;
          const local = !from.includes('T');
          const within = (row: (typeof answers)[number], range: { from: string; to: string }) =>
            local
              ? row.day >= range.from && row.day <= range.to
              : row.pressed_at >= range.from && row.pressed_at < range.to;
          for (const row of answers) {
            const inCurrent = within(row, { from, to });
            const inBefore = within(row, before);
            if (!inCurrent && !inBefore) continue;
            const when = inCurrent ? startOf(row.day, interval) : 'before';
            for (const store of ['*', row.store_id ?? '']) {
              tallyOf(`${store}|${when}`).add(row.class, Number(row.question_heard) === 1, 1);
              if (inCurrent) tallyOf(`${store}|current`).add(row.class, Number(row.question_heard) === 1, 1);
            }
          }
          const periods = [...new Set([...tallies.keys()].map((key) => key.split('|')[1] as string))]
            .filter((period) => period !== 'before' && period !== 'current')
            .sort();
          assert.deepEqual(series.periods, periods, `${interval} ${from}`);
          const expected = (store: string) => ({
            ...tallyOf(`${store}|current`).counts(),
            ...tallyOf(`${store}|current`).rates(),
            previous: tallyOf(`${store}|before`).counts(),
            points: periods.map((period) => (tallies.get(`${store}|${period}`) ?? new NpsTally()).counts()),
          });
          assert.deepEqual(series.total, { storeId: null, ...expected('*') }, `${interval} ${from} total`);
          const stores = ['', ...ZONES.map((_, n) => `store-${n}`)];
          assert.deepEqual(
            series.stores,
            stores.map((store) => ({ storeId: store || null, ...expected(store) })),
            `${interval} ${from} per store`,
          );
          // Without the stores' points (a chain's dashboard), the same figures but those points.
          const totalsOnly = await npsSeries(db, {
            from,
            to,
            interval,
            noStoreZone: NO_STORE_ZONE,
            storePoints: false,
          });
          assert.deepEqual(
            totalsOnly,
            { ...series, stores: series.stores.map(({ points: _points, ...group }) => group) },
            `${interval} ${from} without store points`,
          );
        }
      } finally {
        await test.close();
      }
    });
  });
}
