import type { DeviceHeartbeat } from '@earshot/shared/protocol';

/** The alerts of a box that cannot record: a Pi with no working microphone used to show green. */
export const AUDIO_ALERT_KINDS = ['mic-missing', 'recorder-restarting', 'presses-refused'] as const;
export type AudioAlertKind = (typeof AUDIO_ALERT_KINDS)[number];

export interface AudioAlertThresholds {
  /** Recorder restarts since the device started at or above this raise `recorder-restarting`. */
  recorderRestarts: number;
}

/**
 * Conditions read from recent heartbeats (oldest first): the capture has heard nothing
 * (`no-audio`: no microphone, or one the recorder cannot open); the recorder keeps restarting;
 * presses were refused (each one a customer's answer lost) within the heartbeats given.
 */
export function audioConditions(
  heartbeats: readonly DeviceHeartbeat[],
  thresholds: AudioAlertThresholds,
): Map<AudioAlertKind, string> {
  const active = new Map<AudioAlertKind, string>();
  const latest = heartbeats.at(-1);
  if (!latest) return active;
  if (latest.mic.state === 'no-audio') {
    active.set('mic-missing', 'no audio captured at all: is a microphone plugged in and recognised?');
  }
  const restarts = latest.mic.recorderRestarts ?? 0;
  if (restarts >= thresholds.recorderRestarts) {
    active.set('recorder-restarting', `the recorder restarted ${restarts} times since the device started`);
  }
  const refused = refusedWithin(heartbeats);
  if (refused > 0) {
    active.set('presses-refused', `${refused} press(es) refused: no audio to cut a clip from`);
  }
  return active;
}

/**
 * Refusals the heartbeats saw happen. The count is per process, so a drop means a restart: the
 * count after it is new refusals. A single heartbeat counts everything it reports.
 */
function refusedWithin(heartbeats: readonly DeviceHeartbeat[]): number {
  let total = heartbeats.length === 1 ? (heartbeats[0]?.pressesRefused ?? 0) : 0;
  for (let i = 1; i < heartbeats.length; i++) {
    const before = heartbeats[i - 1]?.pressesRefused ?? 0;
    const now = heartbeats[i]?.pressesRefused ?? 0;
    total += now >= before ? now - before : now;
  }
  return total;
}
