import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceHeartbeat } from '@earshot/shared/protocol';
import { withLabels } from '../../src/fleet/button-labels.js';
import { stateSince } from '../../src/fleet/online-since.js';

const beat = (uptimeSeconds: number) => ({ uptimeSeconds }) as DeviceHeartbeat;

describe('online since', () => {
  it('is when the running process started, when it restarted after the state last changed', () => {
    // Online at 10:00; restarted at 10:30 without being seen offline; heartbeat at 10:31 with 60 s up.
    assert.equal(
      stateSince('online', '2026-11-28T10:00:00.000Z', beat(60), '2026-11-28T10:31:00.000Z'),
      '2026-11-28T10:30:00.000Z',
    );
  });

  it('keeps the state change when the process is older, and for a device not online', () => {
    assert.equal(
      stateSince('online', '2026-11-28T10:00:00.000Z', beat(7200), '2026-11-28T10:31:00.000Z'),
      '2026-11-28T10:00:00.000Z',
    );
    assert.equal(
      stateSince('offline', '2026-11-28T10:00:00.000Z', beat(60), '2026-11-28T10:31:00.000Z'),
      '2026-11-28T10:00:00.000Z',
    );
    assert.equal(stateSince('online', '2026-11-28T10:00:00.000Z', null, null), '2026-11-28T10:00:00.000Z');
  });
});

describe('labels in a config push', () => {
  const mapped = [
    { button: 1, questionId: 'nps', label: 'Recommend?' },
    { button: 4, questionId: 'improve', label: 'Improve?' },
  ];

  it('adds the mapped buttons’ labels, keeps windows and a label the technician typed', () => {
    assert.deepEqual(withLabels({ preSeconds: 5, perButton: { '1': { label: 'Ours', postSeconds: 9 } } }, mapped), {
      preSeconds: 5,
      perButton: { '1': { label: 'Ours', postSeconds: 9 }, '4': { label: 'Improve?' } },
    });
  });

  it('leaves out buttons beyond a count the push sets (the device would refuse the whole config)', () => {
    assert.deepEqual(withLabels({ buttons: 3 }, mapped), { buttons: 3, perButton: { '1': { label: 'Recommend?' } } });
  });
});
