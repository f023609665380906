import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceHeartbeat } from '@earshot/shared/protocol';
import { activeConditions, type AlertThresholds, type DeviceSnapshot } from '../../src/fleet/alert-rules.js';

const thresholds: AlertThresholds = {
  offlineMinutes: 10,
  backlogHeartbeats: 3,
  backlogMinClips: 5,
  diskLowMegabytes: 500,
  clockOffsetMs: 1000,
  recorderRestarts: 3,
};

function beat(mic: DeviceHeartbeat['mic'], pressesRefused?: number): DeviceHeartbeat {
  return {
    at: '2026-03-02T09:00:00Z',
    version: '1',
    uptimeSeconds: 60,
    mic,
    outbox: { clips: 0, bytes: 0, quotaBytes: 1e9, refused: 0, full: false },
    disk: { freeBytes: 10e9 },
    clock: { synchronized: true },
    configVersion: null,
    ...(pressesRefused === undefined ? {} : { pressesRefused }),
  };
}

const device = (heartbeats: DeviceHeartbeat[]): DeviceSnapshot => ({
  state: 'online',
  stateChangedAt: '2026-03-02T06:00:00Z',
  heartbeats,
  store: null,
});

describe('alerts of a box that cannot record', () => {
  it('a Pi with no working mic (no-audio, 9 recorder restarts, presses answered 503) is not all green', () => {
    const active = activeConditions(
      device([
        beat({ state: 'no-audio', recorderRestarts: 8 }, 1),
        beat({ state: 'no-audio', recorderRestarts: 9 }, 3),
      ]),
      thresholds,
      Date.parse('2026-03-02T09:01:00Z'),
    );
    assert.deepEqual([...active.keys()].sort(), ['mic-missing', 'presses-refused', 'recorder-restarting']);
    assert.match(active.get('recorder-restarting') ?? '', /restarted 9 times/);
    assert.match(active.get('presses-refused') ?? '', /^2 press/);
  });

  it('restarts below the threshold, and no new refusals, raise nothing', () => {
    const active = activeConditions(
      device([beat({ state: 'ok', recorderRestarts: 2 }, 4), beat({ state: 'ok', recorderRestarts: 2 }, 4)]),
      thresholds,
      Date.parse('2026-03-02T09:01:00Z'),
    );
    assert.deepEqual([...active.keys()], []);
    const configured = activeConditions(
      device([beat({ state: 'ok', recorderRestarts: 2 })]),
      { ...thresholds, recorderRestarts: 2 },
      Date.parse('2026-03-02T09:01:00Z'),
    );
    assert.deepEqual([...configured.keys()], ['recorder-restarting']);
  });

  it('counts refusals after a device restart (its count starts again)', () => {
    const active = activeConditions(
      device([beat({ state: 'ok' }, 5), beat({ state: 'ok' }, 1)]),
      thresholds,
      Date.parse('2026-03-02T09:01:00Z'),
    );
    assert.match(active.get('presses-refused') ?? '', /^1 press/);
  });
});
