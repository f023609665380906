import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceConfigSchema } from '../../src/config/device-config.js';
import { applyRemoteConfig, RemoteConfigError } from '../../src/config/remote-config.js';
import { validateConfig } from '@earshot/shared/config';

const base = validateConfig(DeviceConfigSchema, { deviceId: 'd1', audio: { bufferSeconds: 150 } });

describe('applyRemoteConfig', () => {
  it('lays clip windows and the button count over the local configuration', () => {
    const merged = applyRemoteConfig(base, {
      version: 4,
      clips: { preSeconds: 30, buttons: 3, perButton: { '2': { postSeconds: 10 } } },
    });
    assert.equal(merged.clips.preSeconds, 30);
    assert.equal(merged.clips.postSeconds, base.clips.postSeconds);
    assert.equal(merged.clips.buttons, 3);
    assert.deepEqual(merged.clips.perButton, { '2': { postSeconds: 10 } });
    assert.equal(merged.mqtt.url, base.mqtt.url, 'connection settings stay local');
  });

  it('refuses a window longer than the ring buffer or a button beyond the count, leaving the base alone', () => {
    assert.throws(
      () => applyRemoteConfig(base, { version: 5, clips: { preSeconds: 200 } }),
      (e: unknown) => e instanceof RemoteConfigError && /bufferSeconds/.test(e.message),
    );
    assert.throws(
      () => applyRemoteConfig(base, { version: 6, clips: { buttons: 2, perButton: { '5': { preSeconds: 1 } } } }),
      (e: unknown) => e instanceof RemoteConfigError && /perButton\/5/.test(e.message),
    );
    assert.equal(base.clips.preSeconds, 60);
  });
});
