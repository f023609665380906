import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { localDayAndHour } from '../../src/clips/zoned-time.js';
import { localDaySql, localHourSql } from '../../src/db/local-time-sql.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';

// Instants either side of offset changes, in zones with whole, half and three-quarter hour
// offsets, one with a half-hour summer shift, and one far east of UTC.
const INSTANTS = [
  '2026-03-29T00:59:59.000Z',
  '2026-03-29T01:00:00.000Z',
  '2026-10-25T00:30:00.000Z',
  '2026-10-25T01:30:00.000Z',
  '2026-03-08T06:59:00.000Z',
  '2026-03-08T07:00:00.000Z',
  '2026-04-04T15:00:00.000Z',
  '2026-04-04T15:30:00.000Z',
  '2026-02-28T18:29:00.000Z',
  '2026-02-28T18:30:00.000Z',
  '2026-12-31T18:15:00.000Z',
  '2026-12-31T23:59:59.999Z',
];
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Asia/Vladivostok',
];

for (const kind of DATABASE_KINDS) {
  describe(`local day and hour in SQL on ${kind}`, () => {
    it('agree with the server’s own reading (clips/zoned-time.ts) in every zone', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      try {
        for (const zone of ZONES) {
          for (const at of INSTANTS) {
            const day = localDaySql(test.db, sql.lit(at), sql.lit(zone));
            const hour = localHourSql(test.db, sql.lit(at), sql.lit(zone));
            const result = await sql<{
              day: string;
              hour: number | string;
            }>`select ${day} as day, ${hour} as hour`.execute(test.db);
            const got = result.rows[0];
            assert.deepEqual({ day: got?.day, hour: Number(got?.hour) }, localDayAndHour(at, zone), `${at} in ${zone}`);
          }
        }
      } finally {
        await test.close();
      }
    });
  });
}
