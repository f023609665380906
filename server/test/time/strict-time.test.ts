import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instantProblem, localTimeProblem, parseInstant, timeBoundProblem } from '../../src/time/strict-time.js';

describe('strict time', () => {
  it('accepts real instants, with or without seconds and fractions', () => {
    for (const text of [
      '2026-03-01T09:30:00Z',
      '2026-03-01T09:30Z',
      '2024-02-29T23:59:59.999+03:00',
      '2026-12-31T00:00:00-12:00',
    ]) {
      assert.equal(instantProblem(text), undefined, text);
      assert.equal(parseInstant(text).getTime(), Date.parse(text));
    }
  });

  it('names what is impossible in an instant', () => {
    const cases: [string, RegExp][] = [
      ['2026-06-30T23:59:60Z', /leap seconds/],
      ['2026-13-45T10:00:00Z', /month 13/],
      ['2026-02-29T10:00:00Z', /2026-02 has no day 29/],
      ['2026-04-31T10:00:00Z', /has no day 31/],
      ['2026-01-01T25:00:00Z', /hour 25/],
      ['2026-01-01T10:60:00Z', /minute 60/],
      ['2026-01-01T10:00:00+99:99', /offset 99:99/],
      ['2026-01-01T10:00:00+24:00', /offset 24:00/],
      ['2026-01-01', /with an offset/],
      ['Infinity', /with an offset/],
    ];
    for (const [text, problem] of cases) {
      assert.match(instantProblem(text) ?? 'accepted', problem, text);
      assert.throws(() => parseInstant(text), RangeError);
    }
  });

  it('checks local times and reads bounds as either', () => {
    assert.equal(localTimeProblem('2026-03-01'), undefined);
    assert.equal(localTimeProblem('2026-03-01T09:30:15'), undefined);
    assert.match(localTimeProblem('2026-13-45') ?? '', /month 13/);
    assert.match(localTimeProblem('2026-01-01T24:00') ?? '', /hour 24/);
    assert.equal(timeBoundProblem('2026-03-01T09:30Z'), undefined);
    assert.equal(timeBoundProblem('2026-03-01'), undefined);
    assert.match(timeBoundProblem('2026-02-30') ?? '', /no day 30/);
    assert.match(timeBoundProblem('2026-03-01T09:30:60') ?? '', /leap seconds/);
  });
});
