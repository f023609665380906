import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { localDayAndHour } from '../../src/clips/zoned-time.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { wavClip } from '../support/ingest-harness.js';

interface VolumeRow {
  storeId: string | null;
  questionId: string | null;
  day: string;
  clips: number;
}

/** The zone of clips of no store, as the caller names it. */
const CALLER_ZONE = 'America/New_York';

/**
 * Clips keep their press's local day and hour (migration 0017), so the dashboard's counts read
 * them instead of converting each clip. Here those counts are checked against the same counts made
 * from scratch, from each clip's press time and its store's zone as it is now, after each event
 * that could part them: clips filed, a store's zone changed (twice), a rename, and clips erased.
 * Answers and their corrections do not enter these counts. Zones with a 45-minute offset (Kathmandu) and a half-hour summer shift (Lord Howe).
 */
for (const kind of DATABASE_KINDS) {
  describe(`local days and hours kept on clips equal the counts from scratch on ${kind}`, () => {
    it('after inserts, zone changes, a rename and an erasure', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { ingest, app } = rig;
      try {
        const call = async <T>(method: 'GET' | 'PUT' | 'POST', url: string, payload?: object): Promise<T> => {
          const response = await app.inject({ method, url, ...(payload ? { payload } : {}) });
          assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode} ${response.body}`);
          return response.json<T>();
        };
        const zones: Record<string, string> = {
          ktm: 'Asia/Kathmandu',
          lhi: 'Australia/Lord_Howe',
          msk: 'Europe/Moscow',
        };
        for (const [id, timeZone] of Object.entries(zones)) {
          await call('PUT', `/api/v1/stores/${id}`, { name: id, timeZone, language: 'en' });
          await call('PUT', `/api/v1/devices/pi-${id}`, { storeId: id });
        }
        await call('PUT', '/api/v1/devices/pi-none', { storeId: null });
        await call('PUT', '/api/v1/questions/nps', { kind: 'nps', text: { en: 'Recommend us?' } });
        await call('PUT', '/api/v1/questions/improve', { kind: 'open', text: { en: 'Improve?' } });
        await call('POST', '/api/v1/button-maps/default/all', {
          buttons: { '1': 'nps', '2': 'improve' },
          effectiveFrom: '2026-01-01T00:00:00Z',
        });

        // Presses every 97 minutes for four days around Lord Howe's shift to summer time (5 October 2026).
        const devices = ['pi-ktm', 'pi-lhi', 'pi-msk', 'pi-none'];
        const start = Date.parse('2026-10-02T00:00:00Z');
        const clips: { device: string; pressedAt: string }[] = [];
        for (let i = 0; i < 60; i++) {
          const device = devices[i % devices.length] as string;
          const pressedAt = new Date(start + i * 97 * 60_000);
          const clip = wavClip(indexSignal(800), 1 + (i % 2), pressedAt);
          assert.equal((await submitClip(ingest, device, clip.meta, clip.audio)).status, 'complete');
          clips.push({ device, pressedAt: pressedAt.toISOString() });
        }
        const storeOf: Record<string, string | null> = {
          'pi-ktm': 'ktm',
          'pi-lhi': 'lhi',
          'pi-msk': 'msk',
          'pi-none': null,
        };

        /** Counts from scratch: each clip's local day and hour in its store's zone now, else the caller's. */
        const fromScratch = (from: string, to: string) => {
          const volume = new Map<string, number>();
          const coverage = new Map<string, number[]>();
          for (const clip of clips) {
            if (clip.device === 'erased') continue;
            const storeId = storeOf[clip.device] ?? null;
            const zone = (storeId && zones[storeId]) || CALLER_ZONE;
            const { day, hour } = localDayAndHour(clip.pressedAt, zone);
            if (day < from || day > to) continue;
            const question = clips.indexOf(clip) % 2 === 0 ? 'nps' : 'improve';
            const key = JSON.stringify([storeId, question, day]);
            volume.set(key, (volume.get(key) ?? 0) + 1);
            const hours = coverage.get(clip.device) ?? new Array<number>(24).fill(0);
            hours[hour] = (hours[hour] ?? 0) + 1;
            coverage.set(clip.device, hours);
          }
          return {
            volume: [...volume].map(([key, n]) => [...(JSON.parse(key) as string[]), n]).sort(byJson),
            coverage: [...coverage].sort(([a], [b]) => a.localeCompare(b)),
          };
        };
        /** The same counts as the API gives them, between plain dates (each store's own days). */
        const fromApi = async (from: string, to: string) => {
          const range = `from=${from}&to=${to}&timeZone=${CALLER_ZONE}`;
          const volume = await call<{ rows: VolumeRow[] }>('GET', `/api/v1/stats/volume?${range}`);
          const coverage = await call<{ devices: { deviceId: string; hours: number[] }[] }>(
            'GET',
            `/api/v1/stats/coverage?${range}`,
          );
          // Grouped coarser, the same clips: per store, and per day only.
          const sum = (rows: (string | number | null)[][], key: (row: (string | number | null)[]) => string) => {
            const sums = new Map<string, number>();
            for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + Number(row[3]));
            return [...sums].sort(byJson);
          };
          const rows = volume.rows.map((r) => [r.storeId ?? null, r.questionId ?? null, r.day, r.clips]);
          for (const [groupBy, key] of [
            ['store', (r: (string | number | null)[]) => JSON.stringify([r[0], r[2]])],
            ['question', (r: (string | number | null)[]) => JSON.stringify([r[1], r[2]])],
            ['day', (r: (string | number | null)[]) => JSON.stringify([r[2]])],
          ] as const) {
            const coarse = await call<{ rows: VolumeRow[] }>('GET', `/api/v1/stats/volume?${range}&groupBy=${groupBy}`);
            assert.deepEqual(
              sum(
                coarse.rows.map((r) => [r.storeId ?? null, r.questionId ?? null, r.day, r.clips]),
                key,
              ),
              sum(rows, key),
              `groupBy=${groupBy}`,
            );
            assert.ok(
              coarse.rows.every(
                (r) => (groupBy === 'store') === 'storeId' in r && (groupBy === 'question') === 'questionId' in r,
              ),
              `groupBy=${groupBy}: only the grouped fields`,
            );
          }
          return {
            volume: rows.sort(byJson),
            coverage: coverage.devices.map((d) => [d.deviceId, d.hours]),
          };
        };
        const agree = async (when: string) => {
          for (const [from, to] of [
            ['2026-10-01', '2026-10-10'],
            ['2026-10-03', '2026-10-04'],
          ] as const) {
            assert.deepEqual(await fromApi(from, to), fromScratch(from, to), `${when}, ${from} to ${to}`);
          }
        };

        await agree('after the presses');
        // Moscow's store moves to Vladivostok: its clips' days and hours move with it.
        zones.msk = 'Asia/Vladivostok';
        await call('PUT', '/api/v1/stores/msk', { name: 'msk', timeZone: 'Asia/Vladivostok', language: 'en' });
        await agree("after a store's zone changed");
        // A rename keeps the zone: nothing to rewrite, and the counts stand.
        await call('PUT', '/api/v1/stores/msk', { name: 'Vladivostok', timeZone: 'Asia/Vladivostok', language: 'ru' });
        await agree('after a rename');
        // Kathmandu's store moves to Adelaide's half-hour zone.
        zones.ktm = 'Australia/Adelaide';
        await call('PUT', '/api/v1/stores/ktm', { name: 'ktm', timeZone: 'Australia/Adelaide', language: 'en' });
        await agree('after a second zone change');
        // A customer is forgotten: a day of that store's clips is erased, in its own days.
        const erased = await call<{ clipIds: string[] }>('POST', '/api/v1/erasures', {
          storeId: 'ktm',
          from: '2026-10-03',
          to: '2026-10-04',
        });
        assert.ok(erased.clipIds.length > 0);
        const gone = new Set(
          clips.filter((c) => {
            if (c.device !== 'pi-ktm') return false;
            const { day } = localDayAndHour(c.pressedAt, 'Australia/Adelaide');
            return day === '2026-10-03';
          }),
        );
        assert.equal(erased.clipIds.length, gone.size);
        for (const clip of gone) clips.splice(clips.indexOf(clip), 1, { device: 'erased', pressedAt: clip.pressedAt });
        await agree('after an erasure');
      } finally {
        await rig.close();
      }
    });
  });
}

function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}
