import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '@earshot/shared/config';
import { DeviceConfigSchema } from '../../src/config/device-config.js';
import {
  cancelWithinMs,
  micSilentMs,
  outboxQuotaBytes,
  recorderTimings,
  uplinkTimings,
} from '../../src/config/device-units.js';

describe('device configuration units', () => {
  it('turns the seconds and megabytes people write into the milliseconds and bytes components take', () => {
    const config = validateConfig(DeviceConfigSchema, {
      deviceId: 'pi-1',
      audio: { source: { type: 'recorder', stallSeconds: 2.5 } },
      clips: { cancelWithinSeconds: 90 },
      mqtt: { ackTimeoutSeconds: 0.5, reconnectMinSeconds: 0.1, reconnectMaxSeconds: 30, heartbeatSeconds: 15 },
      outbox: { quotaMegabytes: 2 },
      feedback: { micSilentSeconds: 4 },
    });
    assert.deepEqual(uplinkTimings(config.mqtt), {
      ackTimeoutMs: 500,
      reconnectMinMs: 100,
      reconnectMaxMs: 30_000,
      heartbeatMs: 15_000,
    });
    assert.ok(config.audio.source.type === 'recorder');
    assert.deepEqual(recorderTimings(config.audio.source), {
      stallTimeoutMs: 2500,
      restartInitialMs: 500,
      restartMaxMs: 30_000,
    });
    assert.equal(cancelWithinMs(config), 90_000);
    assert.equal(micSilentMs(config), 4000);
    assert.equal(outboxQuotaBytes(config), 2 * 1024 * 1024);
  });
});
