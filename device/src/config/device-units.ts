import type { DeviceConfig } from './device-config.js';

/**
 * The configuration speaks in seconds and megabytes, as people write it; the components take
 * milliseconds and bytes. The daemon's conversions are made here, once, not in the wiring.
 */
const MS_PER_SECOND = 1000;
const BYTES_PER_MEGABYTE = 1024 * 1024;

type RecorderSource = Extract<DeviceConfig['audio']['source'], { type: 'recorder' }>;

/** The uplink's timers. */
export function uplinkTimings(mqtt: DeviceConfig['mqtt']): {
  ackTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  heartbeatMs: number;
} {
  return {
    ackTimeoutMs: mqtt.ackTimeoutSeconds * MS_PER_SECOND,
    reconnectMinMs: mqtt.reconnectMinSeconds * MS_PER_SECOND,
    reconnectMaxMs: mqtt.reconnectMaxSeconds * MS_PER_SECOND,
    heartbeatMs: mqtt.heartbeatSeconds * MS_PER_SECOND,
  };
}

/** The recorder's supervision timers. */
export function recorderTimings(source: RecorderSource): {
  stallTimeoutMs: number;
  restartInitialMs: number;
  restartMaxMs: number;
} {
  return {
    stallTimeoutMs: source.stallSeconds * MS_PER_SECOND,
    restartInitialMs: source.restartInitialSeconds * MS_PER_SECOND,
    restartMaxMs: source.restartMaxSeconds * MS_PER_SECOND,
  };
}

/** How long after a press the cancel gesture can still void its clip. */
export function cancelWithinMs(config: DeviceConfig): number {
  return config.clips.cancelWithinSeconds * MS_PER_SECOND;
}

/** Silence from the recorder longer than this is a problem staff should see. */
export function micSilentMs(config: DeviceConfig): number {
  return config.feedback.micSilentSeconds * MS_PER_SECOND;
}

/** Disk the outbox may use for clips not yet confirmed. */
export function outboxQuotaBytes(config: DeviceConfig): number {
  return config.outbox.quotaMegabytes * BYTES_PER_MEGABYTE;
}
