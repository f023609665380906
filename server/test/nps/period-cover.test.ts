import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays } from '../../src/clips/pressed-range.js';
import { type Interval, startOf } from '../../src/clips/period-start.js';
import { periodCover } from '../../src/nps/period-cover.js';

/** Every local day a piece names, in order. */
function daysOf(piece: { period: string; first: string; last: string }): string[] {
  const days: string[] = [];
  const end = piece.period === 'day' ? piece.last : lastDay(piece.last, piece.period as Interval);
  for (let day = piece.first; day <= end; day = addDays(day, 1)) days.push(day);
  return days;
}

function lastDay(start: string, unit: Interval): string {
  if (unit === 'week') return addDays(start, 6);
  const date = new Date(`${start}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return addDays(date.toISOString().slice(0, 10), -1);
}

describe('periodCover: a range of local days as whole months, weeks and days', () => {
  it('a year from a Wednesday: the whole months inside, whole weeks within what is left, days', () => {
    assert.deepEqual(periodCover('2025-02-05', '2026-02-03'), [
      { period: 'day', first: '2025-02-05', last: '2025-02-09' },
      { period: 'week', first: '2025-02-10', last: '2025-02-17' },
      // The week of 24 February runs into March: its days are counted as days.
      { period: 'day', first: '2025-02-24', last: '2025-02-28' },
      { period: 'month', first: '2025-03-01', last: '2026-01-01' },
      { period: 'day', first: '2026-02-01', last: '2026-02-03' },
    ]);
  });

  it('per week: whole weeks and the days at either end; per month: whole months and days', () => {
    assert.deepEqual(periodCover('2025-02-05', '2025-03-04', 'week'), [
      { period: 'day', first: '2025-02-05', last: '2025-02-09' },
      { period: 'week', first: '2025-02-10', last: '2025-02-24' },
      { period: 'day', first: '2025-03-03', last: '2025-03-04' },
    ]);
    assert.deepEqual(periodCover('2024-02-01', '2024-03-30', 'month'), [
      { period: 'month', first: '2024-02-01', last: '2024-02-01' },
      { period: 'day', first: '2024-03-01', last: '2024-03-30' },
    ]);
  });

  it('tiles every range exactly, each day once, with whole periods that start where they should', () => {
    for (let k = 0; k < 400; k++) {
      const from = addDays('2023-12-20', (k * 37) % 500);
      const to = addDays(from, (k * 53) % 420);
      for (const interval of [undefined, 'week', 'month'] as const) {
        const pieces = periodCover(from, to, interval);
        const days = pieces.flatMap(daysOf);
        const expected: string[] = [];
        for (let day = from; day <= to; day = addDays(day, 1)) expected.push(day);
        assert.deepEqual(days, expected, `${from}..${to} ${interval}`);
        for (const piece of pieces) {
          if (piece.period === 'day') continue;
          assert.ok(!interval || piece.period === interval, `${from}..${to}: only ${interval}s`);
          for (const start of [piece.first, piece.last]) assert.equal(startOf(start, piece.period), start);
        }
        assert.ok(pieces.length <= (interval ? 3 : 7), `${from}..${to}: ${pieces.length} pieces`);
      }
    }
  });
});
