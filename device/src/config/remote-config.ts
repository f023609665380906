import type { RemoteConfig } from '@earshot/shared/protocol';
import { checkDeviceConfig, type DeviceConfig } from './device-config.js';

/** A remote configuration that cannot apply to this device; the message is the reason. */
export class RemoteConfigError extends Error {
  override name = 'RemoteConfigError';
}

/**
 * The local configuration with a remote one laid over it. Only clip settings can be changed
 * remotely, and they take effect at the next press; everything else (audio source, MQTT, paths)
 * stays local and needs a restart. Throws RemoteConfigError, leaving `base` untouched, when the
 * result breaks a rule (a window longer than the ring buffer, a per-button entry beyond the count).
 */
export function applyRemoteConfig(base: DeviceConfig, remote: RemoteConfig): DeviceConfig {
  const clips = remote.clips ?? {};
  const merged: DeviceConfig = {
    ...base,
    clips: {
      ...base.clips,
      preSeconds: clips.preSeconds ?? base.clips.preSeconds,
      postSeconds: clips.postSeconds ?? base.clips.postSeconds,
      buttons: clips.buttons ?? base.clips.buttons,
      perButton: clips.perButton ?? base.clips.perButton,
    },
  };
  const problems = checkDeviceConfig(merged);
  if (problems.length > 0) throw new RemoteConfigError(problems.join('; '));
  return merged;
}
