import type { Outbox } from '@earshot/device/outbox';
import type { UplinkOptions } from '@earshot/device/uplink';

/**
 * What a simulated device answers besides clips: a heartbeat with what it knows (its outbox),
 * and a refusal of remote configuration, test presses and credential rotations.
 */
export function simDeviceHandlers(
  outbox: Outbox,
): Pick<UplinkOptions, 'heartbeat' | 'applyConfig' | 'press' | 'storePassword' | 'onDelivered'> {
  const startedAt = Date.now();
  const refuse = (what: string) => {
    throw new Error(`this simulated device does not accept ${what}`);
  };
  return {
    heartbeat: async () => ({
      uptimeSeconds: (Date.now() - startedAt) / 1000,
      mic: { state: 'unknown' },
      outbox: outbox.usage(),
      disk: { freeBytes: null },
      clock: { synchronized: null },
    }),
    applyConfig: async () => refuse('remote configuration'),
    press: () => refuse('remote presses'),
    storePassword: async () => refuse('credential rotations'),
    onDelivered: () => undefined,
  };
}

/**
 * The transfer settings every simulated device uses: small chunks and a fast pace, so a test's
 * clips move in a moment, and a heartbeat too rare to get in the way. Reconnection delays are the
 * test's own (they decide how long a broker outage lasts for the device).
 */
export const SIM_DEVICE_TRANSFER = {
  chunkBytes: 32 * 1024,
  inflight: 8,
  publishesPerSecond: 500,
  ackTimeoutMs: 3000,
  finRounds: 3,
  heartbeatMs: 60_000,
  version: 'test',
} as const satisfies Partial<UplinkOptions>;
