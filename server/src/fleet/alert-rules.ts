import type { DeviceHeartbeat } from '@earshot/shared/protocol';
import { AUDIO_ALERT_KINDS, audioConditions } from './audio-alert-rules.js';
import { isOpen, type OpeningHours } from './opening-hours.js';
import { msFromMinutes } from '../config/server-units.js';

export const ALERT_KINDS = [
  'offline',
  'mic-dead',
  'button-stuck',
  'backlog-growing',
  'disk-low',
  'clock-unsynchronised',
  ...AUDIO_ALERT_KINDS,
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertThresholds {
  /** Offline longer than this, while the store is open, raises `offline`. */
  offlineMinutes: number;
  /** The outbox grew at every one of this many consecutive heartbeats. */
  backlogHeartbeats: number;
  /** ... and holds at least this many clips. */
  backlogMinClips: number;
  diskLowMegabytes: number;
  /** A known clock offset beyond this counts as unsynchronised. */
  clockOffsetMs: number;
  /** Recorder restarts (since the device started) that raise `recorder-restarting`. */
  recorderRestarts: number;
}

/** What the rules look at for one device. */
export interface DeviceSnapshot {
  state: 'online' | 'offline' | 'unknown';
  /** When `state` last changed (ISO). */
  stateChangedAt: string;
  /** Recent heartbeats, oldest first; the last is the device's current word. */
  heartbeats: DeviceHeartbeat[];
  /** The store it stands in; null: no store, so no opening hours (always counts as open). */
  store: { timeZone: string; openingHours: OpeningHours | null } | null;
}

/**
 * The alert conditions that hold for a device at `nowMs`, each with a human-readable detail.
 * Pure: the clock comes in as an argument. Conditions read from heartbeats stay as the last
 * heartbeat left them while the device is silent (the offline alert covers silence).
 */
export function activeConditions(
  device: DeviceSnapshot,
  thresholds: AlertThresholds,
  nowMs: number,
): Map<AlertKind, string> {
  const active = new Map<AlertKind, string>();
  if (device.state === 'offline') {
    const offlineMs = nowMs - Date.parse(device.stateChangedAt);
    const open = device.store === null || isOpen(device.store.openingHours, device.store.timeZone, nowMs);
    if (offlineMs > msFromMinutes(thresholds.offlineMinutes) && open) {
      active.set('offline', `offline since ${device.stateChangedAt} (${Math.floor(offlineMs / 60_000)} min)`);
    }
  }
  const latest = device.heartbeats.at(-1);
  if (!latest) return active;
  for (const [kind, detail] of audioConditions(device.heartbeats, thresholds)) active.set(kind, detail);
  if (latest.mic.state === 'dead') {
    active.set('mic-dead', `the microphone hears only digital silence (${latest.mic.silentSeconds ?? '?'} s)`);
  }
  const stuck = (latest.buttons ?? []).filter((b) => b.condition === 'stuck');
  if (stuck.length > 0) {
    active.set('button-stuck', stuck.map((b) => `${b.input} button ${b.button} stuck`).join('; '));
  }
  const backlog = backlogGrowth(device.heartbeats, thresholds);
  if (backlog) active.set('backlog-growing', backlog);
  const free = latest.disk.freeBytes;
  if (free !== null && free < thresholds.diskLowMegabytes * 1024 * 1024) {
    active.set('disk-low', `${Math.round(free / 1024 / 1024)} MB free`);
  }
  const { synchronized, offsetMs } = latest.clock;
  if (synchronized === false) active.set('clock-unsynchronised', 'the system clock is not synchronised');
  else if (offsetMs !== undefined && Math.abs(offsetMs) > thresholds.clockOffsetMs) {
    active.set('clock-unsynchronised', `the clock is ${offsetMs} ms off`);
  }
  return active;
}

/** A full outbox, or one that grew at each of the last heartbeats and is not small. */
function backlogGrowth(heartbeats: DeviceHeartbeat[], thresholds: AlertThresholds): string | undefined {
  const latest = heartbeats.at(-1);
  if (!latest) return undefined;
  if (latest.outbox.full) return `outbox full: ${latest.outbox.refused} clips refused`;
  const window = heartbeats.slice(-(thresholds.backlogHeartbeats + 1));
  if (window.length < thresholds.backlogHeartbeats + 1) return undefined;
  const grew = window.every(
    (beat, i) => i === 0 || beat.outbox.clips > (window[i - 1] as DeviceHeartbeat).outbox.clips,
  );
  if (!grew || latest.outbox.clips < thresholds.backlogMinClips) return undefined;
  return `outbox grew to ${latest.outbox.clips} clips over ${thresholds.backlogHeartbeats} heartbeats`;
}

/** What to raise and what to resolve, given the alerts open now and the conditions that hold. */
export function alertChanges(
  open: readonly { kind: string }[],
  active: Map<AlertKind, string>,
): { raise: { kind: AlertKind; detail: string }[]; resolve: string[] } {
  const openKinds = new Set(open.map((a) => a.kind));
  return {
    raise: [...active].filter(([kind]) => !openKinds.has(kind)).map(([kind, detail]) => ({ kind, detail })),
    resolve: [...openKinds].filter((kind) => !active.has(kind as AlertKind)),
  };
}
