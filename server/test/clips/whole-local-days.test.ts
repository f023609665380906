import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localDayAndHour } from '../../src/clips/zoned-time.js';
import { wholeLocalDays } from '../../src/clips/whole-local-days.js';

describe('the local days whole inside a range of instants', () => {
  it('in one zone: the days between two midnights, or from the day after a start inside one', () => {
    assert.deepEqual(wholeLocalDays('2025-01-01T00:00:00.000Z', '2025-01-04T00:00:00.000Z', ['UTC']), {
      days: { from: '2025-01-01', to: '2025-01-03' },
      edges: { before: '2025-01-01T00:00:00.000Z', after: '2025-01-04T00:00:00.000Z' },
    });
    assert.deepEqual(wholeLocalDays('2025-01-01T10:00:00.000Z', '2025-01-04T09:00:00.000Z', ['UTC']), {
      days: { from: '2025-01-02', to: '2025-01-03' },
      edges: { before: '2025-01-02T00:00:00.000Z', after: '2025-01-04T00:00:00.000Z' },
    });
  });

  it('in several zones: the days whole in all, with edges from the latest start to the earliest end', () => {
    assert.deepEqual(
      wholeLocalDays('2025-01-01T00:00:00.000Z', '2025-01-10T00:00:00.000Z', ['Europe/Moscow', 'Asia/Vladivostok']),
      {
        days: { from: '2025-01-02', to: '2025-01-09' },
        // 2 January begins in Moscow (+3) at 21:00 UTC; 10 January in Vladivostok (+10) at 14:00 UTC.
        edges: { before: '2025-01-01T21:00:00.000Z', after: '2025-01-09T14:00:00.000Z' },
      },
    );
  });

  it('zones more than a day apart: one whole day ends in one before it begins in the other', () => {
    // 2 January: from 10:00 UTC on the 1st to 10:00 on the 2nd in Kiritimati (+14), from 11:00 UTC
    // on the 2nd to 11:00 on the 3rd in Pago Pago (−11).
    assert.deepEqual(
      wholeLocalDays('2025-01-01T00:00:00.000Z', '2025-01-04T00:00:00.000Z', [
        'Pacific/Kiritimati',
        'Pacific/Pago_Pago',
      ]),
      {
        days: { from: '2025-01-02', to: '2025-01-02' },
        edges: { before: '2025-01-02T11:00:00.000Z', after: '2025-01-02T11:00:00.000Z' },
      },
    );
  });

  it('a day of 23 hours, when clocks go forward', () => {
    assert.deepEqual(wholeLocalDays('2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z', ['Europe/Berlin']), {
      days: { from: '2025-03-30', to: '2025-03-30' },
      edges: { before: '2025-03-29T23:00:00.000Z', after: '2025-03-30T22:00:00.000Z' },
    });
  });

  it('none: a range without a whole day in every zone, or no zone', () => {
    assert.equal(wholeLocalDays('2025-01-01T12:00:00.000Z', '2025-01-02T12:00:00.000Z', ['UTC']), undefined);
    assert.equal(
      wholeLocalDays('2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z', ['UTC', 'Europe/Moscow']),
      undefined,
    );
    assert.equal(wholeLocalDays('2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z', []), undefined);
  });

  it('holds what the counts and the clips rely on, instant by instant, over many ranges and zones', () => {
    const zoneSets = [
      ['UTC'],
      ['Europe/Moscow', 'Asia/Vladivostok', 'Europe/Kaliningrad', 'Asia/Kathmandu', 'UTC'],
      ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Sao_Paulo'],
      ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'],
    ];
    const FIVE_MINUTES = 300_000;
    let ranges = 0;
    for (const zones of zoneSets) {
      // Ranges across the spring and autumn changes of clocks, starting and ending at odd times.
      for (const base of [Date.UTC(2025, 2, 27, 7, 13), Date.UTC(2025, 9, 24, 19, 41), Date.UTC(2025, 3, 6, 13, 30)]) {
        for (const hours of [20, 49, 73, 150]) {
          const from = base;
          const to = base + hours * 3_600_000;
          const whole = wholeLocalDays(new Date(from).toISOString(), new Date(to).toISOString(), zones);
          if (!whole) continue;
          ranges++;
          const before = Date.parse(whole.edges.before);
          const after = Date.parse(whole.edges.after);
          assert.ok(from <= before && before <= after && after <= to, `${zones.join()}: edges inside the range`);
          for (let t = from - 2 * 86_400_000; t < to + 2 * 86_400_000; t += FIVE_MINUTES) {
            for (const zone of zones) {
              const { day } = localDayAndHour(new Date(t).toISOString(), zone);
              const counted = day >= whole.days.from && day <= whole.days.to;
              const at = `${new Date(t).toISOString()} (${day} in ${zone}), range ${new Date(from).toISOString()} + ${hours} h`;
              // A clip of a counted day lies inside the range, whatever its store's zone...
              if (counted) assert.ok(from <= t && t < to, `counted, but outside the range: ${at}`);
              // ...and a clip inside the range of a day not counted lies at one of its ends.
              else if (from <= t && t < to) assert.ok(t < before || t >= after, `neither counted nor at an end: ${at}`);
            }
          }
        }
      }
    }
    assert.ok(ranges >= 30, `ranges checked: ${ranges}`);
  });
});
