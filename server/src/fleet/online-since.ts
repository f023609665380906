import type { DeviceHeartbeat } from '@earshot/shared/protocol';

/**
 * When an online device came online. The state changes only when the device is seen to go
 * offline, so a restart quicker than that leaves the old time; the heartbeat's uptime says when
 * the running process started (on the server's clock: received time less uptime).
 */
export function stateSince(
  state: string,
  changedAt: string,
  heartbeat: DeviceHeartbeat | null,
  heartbeatAt: string | null,
): string {
  if (state !== 'online' || !heartbeat || !heartbeatAt) return changedAt;
  const started = Date.parse(heartbeatAt) - heartbeat.uptimeSeconds * 1000;
  return started > Date.parse(changedAt) ? new Date(started).toISOString() : changedAt;
}
