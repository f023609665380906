import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnswerReading } from '../../src/answers/answer.js';
import { machineOutcome } from '../../src/answers/machine-outcome.js';

const reading = (value: number | null, source: AnswerReading['source'] = 'transcript'): AnswerReading => ({
  source,
  value,
  confidence: value === null ? 0 : 0.9,
  reason: '',
  evidence: [],
});

describe('what the machine reading came to', () => {
  it('read, text, unsure, contradictory or no value', () => {
    assert.equal(machineOutcome({ form: 'nps', value: 9, readings: [reading(9)] }), 'read');
    assert.equal(machineOutcome({ form: 'text', value: null, readings: [] }), 'text');
    // Heard, but withheld below the review threshold.
    assert.equal(
      machineOutcome({ form: 'nps', value: null, readings: [reading(7), reading(null, 'targeted')] }),
      'unsure',
    );
    assert.equal(
      machineOutcome({ form: 'nps', value: null, readings: [reading(7), reading(1, 'targeted')] }),
      'contradictory',
    );
    assert.equal(machineOutcome({ form: 'csat', value: null, readings: [reading(null)] }), 'no-value');
    assert.equal(machineOutcome({ form: 'yes_no', value: null, readings: [] }), 'no-value');
  });
});
