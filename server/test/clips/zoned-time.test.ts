import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLocalTime, localToUtc } from '../../src/clips/zoned-time.js';

describe('localToUtc', () => {
  const cases: [string, string, string][] = [
    ['2026-03-01', 'Europe/Moscow', '2026-02-28T21:00:00.000Z'],
    ['2026-03-01T09:30', 'Europe/Moscow', '2026-03-01T06:30:00.000Z'],
    ['2026-07-01T12:00:15', 'America/New_York', '2026-07-01T16:00:15.000Z'],
    ['2026-01-15T12:00', 'America/New_York', '2026-01-15T17:00:00.000Z'],
    ['2026-06-01', 'UTC', '2026-06-01T00:00:00.000Z'],
    ['2026-03-29T03:00', 'Europe/Berlin', '2026-03-29T01:00:00.000Z'],
    // 02:30 does not exist in Berlin that night (02:00 jumps to 03:00): read as 03:30.
    ['2026-03-29T02:30', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    // 02:30 happens twice on 25 October: the first is meant.
    ['2026-10-25T02:30', 'Europe/Berlin', '2026-10-25T00:30:00.000Z'],
    ['2026-11-22', 'Asia/Vladivostok', '2026-11-21T14:00:00.000Z'],
  ];
  for (const [local, zone, utc] of cases) {
    it(`${local} in ${zone} is ${utc}`, () => assert.equal(localToUtc(local, zone).toISOString(), utc));
  }

  it('tells local times from instants', () => {
    assert.equal(isLocalTime('2026-03-01T09:30'), true);
    assert.equal(isLocalTime('2026-03-01T09:30:00Z'), false);
    assert.equal(isLocalTime('2026-03-01T09:30:00+03:00'), false);
    assert.throws(() => localToUtc('yesterday', 'UTC'), /not a local date or time/);
  });
});
