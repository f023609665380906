import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceHeartbeat } from '@earshot/shared/protocol';
import {
  activeConditions,
  type AlertThresholds,
  alertChanges,
  type DeviceSnapshot,
} from '../../src/fleet/alert-rules.js';
import { isOpen } from '../../src/fleet/opening-hours.js';

const thresholds: AlertThresholds = {
  offlineMinutes: 10,
  backlogHeartbeats: 3,
  backlogMinClips: 5,
  diskLowMegabytes: 500,
  clockOffsetMs: 1000,
  recorderRestarts: 3,
};

function beat(changes: Partial<DeviceHeartbeat> = {}): DeviceHeartbeat {
  return {
    at: '2026-03-02T09:00:00Z',
    version: '1',
    uptimeSeconds: 60,
    mic: { state: 'ok' },
    outbox: { clips: 0, bytes: 0, quotaBytes: 1e9, refused: 0, full: false },
    disk: { freeBytes: 10e9 },
    clock: { synchronized: true },
    configVersion: null,
    ...changes,
  };
}

const online: DeviceSnapshot = {
  state: 'online',
  stateChangedAt: '2026-03-02T06:00:00Z',
  heartbeats: [beat()],
  store: null,
};
// 2026-03-02 is a Monday. Moscow is UTC+3.
const at = (iso: string) => Date.parse(iso);
const kinds = (m: Map<string, string>) => [...m.keys()].sort();

describe('fleet alert rules', () => {
  it('a healthy device has no alert', () => {
    assert.deepEqual(kinds(activeConditions(online, thresholds, at('2026-03-02T09:00:00Z'))), []);
  });

  it('offline counts only after N minutes and only while the store is open', () => {
    const store = { timeZone: 'Europe/Moscow', openingHours: { mon: [['09:00', '21:00']] as [string, string][] } };
    const offline: DeviceSnapshot = { ...online, state: 'offline', stateChangedAt: '2026-03-02T08:00:00Z', store };
    // 11:05 Moscow, offline 5 min: not yet.
    assert.deepEqual(kinds(activeConditions(offline, thresholds, at('2026-03-02T08:05:00Z'))), []);
    // 11:11 Moscow, offline 11 min, open: alert.
    const raised = activeConditions(offline, thresholds, at('2026-03-02T08:11:00Z'));
    assert.deepEqual(kinds(raised), ['offline']);
    assert.match(raised.get('offline') as string, /offline since 2026-03-02T08:00:00Z \(11 min\)/);
    // 22:00 Moscow: closed, no alert even though still offline.
    assert.deepEqual(kinds(activeConditions(offline, thresholds, at('2026-03-02T19:00:00Z'))), []);
    // Tuesday is not listed: closed all day.
    assert.deepEqual(kinds(activeConditions(offline, thresholds, at('2026-03-03T09:00:00Z'))), []);
    // No store, or no hours: always open.
    assert.deepEqual(kinds(activeConditions({ ...offline, store: null }, thresholds, at('2026-03-03T01:00:00Z'))), [
      'offline',
    ]);
  });

  it('mic dead, stuck button, disk low and an unsynchronised clock come from the latest heartbeat', () => {
    const bad = beat({
      mic: { state: 'dead', silentSeconds: 120 },
      buttons: [
        { input: 'gpio', button: 2, condition: 'stuck' },
        { input: 'gpio', button: 3, condition: 'chattering' },
      ],
      disk: { freeBytes: 100 * 1024 * 1024 },
      clock: { synchronized: false },
    });
    const active = activeConditions({ ...online, heartbeats: [beat(), bad] }, thresholds, at('2026-03-02T09:00:00Z'));
    assert.deepEqual(kinds(active), ['button-stuck', 'clock-unsynchronised', 'disk-low', 'mic-dead']);
    assert.equal(active.get('button-stuck'), 'gpio button 2 stuck');
    assert.equal(active.get('disk-low'), '100 MB free');
    // Synchronised but far off, and unknown (null) is no alert.
    const off = beat({ clock: { synchronized: true, offsetMs: -2500 } });
    assert.equal(
      activeConditions({ ...online, heartbeats: [off] }, thresholds, 0).get('clock-unsynchronised'),
      'the clock is -2500 ms off',
    );
    const unknown = beat({ clock: { synchronized: null }, disk: { freeBytes: null } });
    assert.deepEqual(kinds(activeConditions({ ...online, heartbeats: [unknown] }, thresholds, 0)), []);
  });

  it('backlog: growing at each of the last heartbeats and not small, or a full outbox', () => {
    const outbox = (clips: number, full = false) =>
      beat({ outbox: { clips, bytes: clips, quotaBytes: 1e9, refused: full ? 3 : 0, full } });
    const growing = [outbox(3), outbox(4), outbox(6), outbox(8)];
    assert.deepEqual(kinds(activeConditions({ ...online, heartbeats: growing }, thresholds, 0)), ['backlog-growing']);
    // Too few heartbeats to tell, a pause in the growth, or still small: no alert.
    for (const heartbeats of [
      growing.slice(1),
      [outbox(3), outbox(4), outbox(4), outbox(8)],
      [0, 1, 2, 3].map((n) => outbox(n)),
    ]) {
      assert.deepEqual(kinds(activeConditions({ ...online, heartbeats }, thresholds, 0)), []);
    }
    assert.deepEqual(kinds(activeConditions({ ...online, heartbeats: [outbox(1, true)] }, thresholds, 0)), [
      'backlog-growing',
    ]);
  });

  it('raises each condition once and resolves what cleared', () => {
    const active = new Map([
      ['mic-dead', 'x'],
      ['offline', 'y'],
    ] as const);
    assert.deepEqual(alertChanges([{ kind: 'mic-dead' }, { kind: 'disk-low' }], active), {
      raise: [{ kind: 'offline', detail: 'y' }],
      resolve: ['disk-low'],
    });
    assert.deepEqual(alertChanges([{ kind: 'mic-dead' }, { kind: 'offline' }], active), { raise: [], resolve: [] });
  });

  it('opening hours follow the store time zone across midnight UTC and "24:00"', () => {
    const hours = { sun: [['20:00', '24:00']] as [string, string][] };
    // Sunday 23:30 in Vladivostok (UTC+10) is Sunday 13:30 UTC.
    assert.equal(isOpen(hours, 'Asia/Vladivostok', at('2026-03-01T13:30:00Z')), true);
    assert.equal(isOpen(hours, 'Asia/Vladivostok', at('2026-03-01T14:00:00Z')), false);
    assert.equal(isOpen(null, 'Asia/Vladivostok', 0), true);
  });
});
