import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseByteRange } from '../../src/http/byte-range.js';

describe('parseByteRange', () => {
  const size = 1000;
  const cases: [string | undefined, ReturnType<typeof parseByteRange>][] = [
    [undefined, undefined],
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=900-', { start: 900, end: 999 }],
    ['bytes=900-5000', { start: 900, end: 999 }],
    ['bytes=-100', { start: 900, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=50-10', undefined],
    ['bytes=0-1,5-9', undefined],
    ['items=0-1', undefined],
    ['bytes=-', undefined],
  ];
  for (const [header, expected] of cases) {
    it(`${header ?? '(none)'} -> ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(parseByteRange(header, size), expected);
    });
  }
});
