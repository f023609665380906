import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startOf } from '../../src/clips/period-start.js';
import { localDayAndHour } from '../../src/clips/zoned-time.js';
import { saveMachineAnswer } from '../../src/answers/answer-store.js';
import type { MachineAnswer } from '../../src/answers/answer.js';
import type { NpsReport } from '../../src/nps/nps-report.js';
import { CORPUS_START, PRESS_EVERY_MS, corpusRows, seedChain, seedClips } from '../support/clip-corpus.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { purgeAsOf } from '../support/retention-purge.js';

const STORES = 5;
const CLIPS = 4000;
/** The corpus's clips span these local days (a press every 30 s from 1 January 2025). */
const RANGE = { from: '2024-12-31', to: '2025-01-03' };
/**
 * Ranges of instants: whole local days in every store's zone are counted from nps_counts, the
 * rest from the clips. The end cut inside the corpus, then the start; no whole day; open at its
 * end; offsets other than UTC; over the clips a week and a month later.
 */
const INSTANT_RANGES: [string, string | undefined][] = [
  ['2024-12-31T12:00:00Z', '2025-01-02T07:30:00Z'],
  ['2025-01-01T07:45:00Z', '2025-01-03T02:00:00Z'],
  ['2025-01-01T05:17:00Z', '2025-01-02T06:00:00Z'],
  ['2025-01-01T06:10:00Z', undefined],
  ['2025-01-01T10:45:00+03:00', '2025-01-04T00:00:00+05:45'],
  ['2024-12-30T22:00:00Z', '2025-02-10T00:00:00Z'],
];

const byKey = (a: [string | null, unknown], b: [string | null, unknown]) => String(a[0]).localeCompare(String(b[0]));

type Counts = [
  nps: number,
  promoters: number,
  passives: number,
  detractors: number,
  heard: number,
  confirmed: number,
  toReview: number,
];

/**
 * `nps_counts` (migration 0018) is kept by triggers, whoever writes the answers and clips. Here it is
 * checked against the same counts made from scratch, from every NPS answer in force, its clip's
 * press time and its store's zone as it is now, after each event that could part them: clips and
 * answers filed, a machine's re-reading, a person's corrections and their withdrawal, a store's
 * zone changed, a clip filed under another question and store, a retention purge and an erasure.
 * The API's NPS per store, read from `nps_counts` between plain dates, must agree too; and between
 * instants, where it reads the counts for whole days and the clips for the rest, the API's NPS
 * must equal the counts made here from every NPS answer pressed in the range, of a store or none.
 */
for (const kind of DATABASE_KINDS) {
  describe(`NPS counts kept per day equal the counts from scratch on ${kind}`, () => {
    it('after inserts, re-readings, corrections, a zone change, a refiling, a purge and an erasure', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, app } = rig;
      try {
        const call = async <T>(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) => {
          const response = await app.inject({ method, url, ...(payload ? { payload } : {}) });
          assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode} ${response.body}`);
          return response.json<T>();
        };
        await seedChain(db, STORES);
        await seedClips(db, STORES, 0, CLIPS / 2);
        // A week later (8 January) and a month later (4 February).
        await seedClips(db, STORES, 20_160, 20_200);
        await seedClips(db, STORES, 100_000, 100_040);
        // Some answers heard the question asked.
        await db.updateTable('answers').set({ question_heard: 1 }).where('clip_id', 'like', '%3').execute();

        /** Per local day, week and month, store and question, from every NPS answer and its clip as they are now. */
        const fromScratch = async () => {
          const rows = await db
            .selectFrom('answers')
            .innerJoin('clips', 'clips.id', 'answers.clip_id')
            .innerJoin('stores', 'stores.id', 'clips.store_id')
            .where('answers.form', '=', 'nps')
            .select(['clips.store_id', 'clips.question_id', 'clips.pressed_at', 'stores.time_zone'])
            .select(['answers.value', 'answers.source', 'answers.question_heard', 'answers.needs_review'])
            .execute();
          const counts = new Map<string, Counts>();
          for (const row of rows) {
            const day = localDayAndHour(row.pressed_at, row.time_zone).day;
            for (const [period, starts] of [
              ['day', day],
              ['week', startOf(day, 'week')],
              ['month', startOf(day, 'month')],
            ]) {
              const key = JSON.stringify([period, starts, row.store_id, row.question_id ?? '']);
              const c = counts.get(key) ?? [0, 0, 0, 0, 0, 0, 0];
              const value = row.value;
              c[0] += 1;
              if (value !== null && value >= 9) c[1] += 1;
              else if (value !== null && value >= 7) c[2] += 1;
              else if (value !== null) c[3] += 1;
              c[4] += Number(row.question_heard);
              if (value !== null && row.source === 'human') c[5] += 1;
              c[6] += Number(row.needs_review);
              counts.set(key, c);
            }
          }
          return [...counts].sort(([a], [b]) => a.localeCompare(b));
        };
        const kept = async () => {
          const rows = await db.selectFrom('nps_counts').selectAll().execute();
          return rows
            .map((r): [string, Counts] => [
              JSON.stringify([r.period_kind, r.starts, r.store_id, r.question_id]),
              [r.nps_clips, r.promoters, r.passives, r.detractors, r.heard, r.confirmed, r.to_review].map(
                Number,
              ) as Counts,
            ])
            .filter(([, c]) => c.some((n) => n !== 0))
            .sort(([a], [b]) => a.localeCompare(b));
        };
        const agree = async (when: string) => {
          const scratch = await fromScratch();
          assert.ok(scratch.length > 0, `${when}: a corpus with NPS answers`);
          assert.deepEqual(await kept(), scratch, when);
          // The API between plain dates reads nps_counts: its counts per store are the same.
          const perStore = new Map<string, number[]>();
          for (const [key, c] of scratch) {
            const [period, day, store] = JSON.parse(key) as [string, string, string];
            if (period !== 'day' || day < RANGE.from || day > RANGE.to) continue;
            const sums = perStore.get(store) ?? [0, 0, 0, 0, 0];
            // answers, promoters, passives, detractors, unscored
            const answered = c[1] + c[2] + c[3];
            [answered, c[1], c[2], c[3], c[0] - answered].forEach((n, k) => (sums[k] = (sums[k] ?? 0) + n));
            perStore.set(store, sums);
          }
          const api = await call<{
            stores: {
              storeId: string | null;
              answers: number;
              promoters: number;
              passives: number;
              detractors: number;
              unscored: number;
            }[];
          }>('GET', `/api/v1/nps/stores?from=${RANGE.from}&to=${RANGE.to}`);
          assert.deepEqual(
            api.stores
              .filter((s) => s.storeId !== null)
              .map((s) => [s.storeId, [s.answers, s.promoters, s.passives, s.detractors, s.unscored]]),
            [...perStore].sort(([a], [b]) => a.localeCompare(b)),
            `${when}: /nps/stores`,
          );
          for (const [from, to] of INSTANT_RANGES) await agreeBetweenInstants(when, from, to);
        };

        const figures = (r: NpsReport) => [
          r.answers,
          r.promoters,
          r.passives,
          r.detractors,
          r.unscored,
          r.confirmed,
          r.toReview,
        ];
        /** The API's NPS between two instants against every NPS answer pressed between them. */
        const agreeBetweenInstants = async (when: string, from: string, to: string | undefined) => {
          const [start, end] = [from, to].map((t) => t && new Date(t).toISOString());
          const rows = await db
            .selectFrom('answers')
            .innerJoin('clips', 'clips.id', 'answers.clip_id')
            .where('answers.form', '=', 'nps')
            .where('clips.pressed_at', '>=', start as string)
            .$if(end !== undefined, (q) => q.where('clips.pressed_at', '<', end as string))
            .select(['clips.store_id', 'answers.value', 'answers.source', 'answers.needs_review'])
            .execute();
          const expected = new Map<string | null, number[]>();
          for (const row of [
            ...rows.map((r) => ({ ...r, key: r.store_id })),
            ...rows.map((r) => ({ ...r, key: 'all' })),
          ]) {
            const sums = expected.get(row.key) ?? [0, 0, 0, 0, 0, 0, 0];
            const value = row.value;
            const [answered, promoter, passive, detractor] = [
              value !== null,
              value !== null && value >= 9,
              value !== null && value >= 7 && value < 9,
              value !== null && value < 7,
            ];
            [answered, promoter, passive, detractor, !answered, answered && row.source === 'human']
              .map(Number)
              .forEach((n, k) => (sums[k] = (sums[k] ?? 0) + n));
            sums[6] = (sums[6] ?? 0) + Number(row.needs_review);
            expected.set(row.key, sums);
          }
          const range = `from=${encodeURIComponent(from)}${to ? `&to=${encodeURIComponent(to)}` : ''}`;
          const at = `${when}, ${from} to ${to ?? 'the end'}`;
          assert.ok((expected.get('all')?.[0] ?? 0) > 0, `${at}: NPS answers in the range`);
          const total = await call<NpsReport>('GET', `/api/v1/nps?${range}`);
          assert.deepEqual(figures(total), expected.get('all'), `${at}: /nps`);
          const perStore = await call<{ stores: (NpsReport & { storeId: string | null })[] }>(
            'GET',
            `/api/v1/nps/stores?${range}`,
          );
          const stores = [...expected].filter(([key]) => key !== 'all');
          assert.deepEqual(
            perStore.stores.map((s): [string | null, number[]] => [s.storeId, figures(s)]).sort(byKey),
            stores.sort(byKey),
            `${at}: /nps/stores`,
          );
          const one = await call<NpsReport>('GET', `/api/v1/nps?storeId=store-1&${range}`);
          assert.deepEqual(figures(one), expected.get('store-1') ?? [0, 0, 0, 0, 0, 0, 0], `${at}: /nps of store-1`);
        };

        await agree('after the first clips and answers');
        await seedClips(db, STORES, CLIPS / 2, CLIPS);
        // Clips of no store, with their answers: counted from the clips, beside the counts.
        const unassigned = corpusRows(STORES, CLIPS, CLIPS + 60);
        await db
          .insertInto('clips')
          .values(unassigned.clips.map((clip) => ({ ...clip, store_id: null, local_day: null, local_hour: null })))
          .execute();
        await db
          .insertInto('answers')
          .values(unassigned.answers.map((answer) => ({ ...answer, store_id: null })))
          .execute();
        await agree('after more clips and answers');

        const npsClips = await db
          .selectFrom('answers')
          .innerJoin('clips', 'clips.id', 'answers.clip_id')
          .where('answers.form', '=', 'nps')
          .where('clips.store_id', 'is not', null)
          .select(['answers.clip_id', 'answers.human_at'])
          .orderBy('answers.clip_id')
          .execute();
        const machineOnly = npsClips.filter((c) => c.human_at === null).map((c) => c.clip_id);
        // The machine reads some clips again: a new score, and an unsure reading sent to review.
        const reading = (value: number | null): MachineAnswer =>
          ({
            form: 'nps',
            value,
            confidence: value === null ? 0.3 : 0.95,
            needsReview: value === null,
            reason: 'test',
            evidence: [],
            text: String(value),
            window: { startMs: 0, endMs: 1000 },
            pressMs: 500,
            question: { heard: true, span: null, matched: null },
            readings: [],
          }) as unknown as MachineAnswer;
        for (const [k, clipId] of machineOnly.slice(0, 40).entries())
          await saveMachineAnswer(db, clipId, reading(k % 4 === 0 ? null : k % 11), new Date().toISOString());
        await agree('after the machine read clips again');

        // A person scores, declines and withdraws.
        for (const [k, clipId] of machineOnly.slice(40, 70).entries())
          await call(
            'PUT',
            `/api/v1/clips/${clipId}/answer`,
            k % 5 === 0 ? { declined: true } : { value: (k * 3) % 11 },
          );
        await agree("after a person's answers");
        for (const clipId of machineOnly.slice(40, 50)) await call('DELETE', `/api/v1/clips/${clipId}/answer`);
        await agree("after a person's answers were withdrawn");

        // A store moves to a zone a day away: its clips' local days move, and their counts with them.
        await call('PUT', '/api/v1/stores/store-1', {
          name: 'Store 1',
          timeZone: 'Pacific/Kiritimati',
          language: 'en',
        });
        await agree("after a store's zone changed");

        // Clips filed under another question and store, whoever rewrites them.
        const moved = machineOnly.slice(70, 80);
        await db
          .updateTable('clips')
          .set({ question_id: 'improve', store_id: 'store-2' })
          .where('id', 'in', moved)
          .execute();
        await agree('after clips were refiled');

        // In whatever order a writer goes: a clip removed before its answer, and filed again after it.
        const rows = await db.selectFrom('clips').selectAll().where('id', 'in', machineOnly.slice(80, 90)).execute();
        await db.deleteFrom('clips').where('id', 'in', machineOnly.slice(80, 90)).execute();
        await agree('after clips were removed before their answers');
        await db.insertInto('clips').values(rows).execute();
        await agree('after clips were filed after their answers');

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
