import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@earshot/shared/config';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { loadDeviceConfig } from '../../src/config/device-config.js';

async function load(config: unknown) {
  const dir = await tempDir('earshot-config-');
  const file = join(dir.path, 'device.json');
  await writeFile(file, JSON.stringify({ deviceId: 'counter-1', ...(config as object) }));
  try {
    return loadDeviceConfig({ file, env: {} });
  } finally {
    await dir.remove();
  }
}

describe('inputs and feedback configuration', () => {
  it('has no inputs and no lights by default: the press endpoint alone', async () => {
    const config = await load({});
    assert.deepEqual(config.inputs, []);
    assert.deepEqual(config.feedback, { lights: [], problemGraceSeconds: 15, micSilentSeconds: 10 });
  });

  it('fills every input kind with its defaults', async () => {
    const config = await load({
      inputs: [
        { type: 'gpio', pins: { '17': 1, '27': 2 } },
        { type: 'serial', path: '/dev/serial/by-id/usb-box' },
        { type: 'hid', path: '/dev/input/by-id/usb-pedal-event-kbd', keys: { KEY_PAGEDOWN: 1, '48': 2 } },
        { type: 'arduino', port: '/dev/serial/by-id/usb-Arduino', pins: { '2': 3 } },
      ],
      feedback: {
        lights: [
          { type: 'gpio', pin: 22 },
          { type: 'arduino', port: '/dev/serial/by-id/usb-Arduino' },
        ],
      },
    });
    const [gpio, serial, hid, arduino] = config.inputs;
    assert.equal(gpio?.type === 'gpio' && gpio.activeLow, true);
    assert.equal(gpio?.type === 'gpio' && gpio.debounceMs, 30);
    assert.equal(serial?.type === 'serial' && serial.pattern, '^BTN (\\d+)$');
    assert.equal(serial?.type === 'serial' && serial.baudRate, 9600);
    assert.equal(hid?.type === 'hid' && hid.grab, true);
    assert.equal(arduino?.type === 'arduino' && arduino.longPressMs, 2000);
    assert.deepEqual(config.feedback.lights[1], {
      type: 'arduino',
      port: '/dev/serial/by-id/usb-Arduino',
      pin: 13,
      signals: ['captured', 'delivered', 'cancelled', 'refused', 'problem'],
    });
  });

  it('names every cross-check problem by its place in the file', async () => {
    await assert.rejects(
      load({
        clips: { buttons: 4 },
        inputs: [
          { type: 'gpio', pins: { '17': 5 } },
          { type: 'serial', path: '/dev/ttyX', pattern: '(' },
          { type: 'hid', path: '/dev/input/event0', keys: { KEY_NOPE: 1 } },
          { type: 'gpio', pins: { '5': 1 }, longPressMs: 40_000, stuckSeconds: 30 },
        ],
        feedback: { lights: [{ type: 'arduino', port: '/dev/none' }] },
      }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(
          error.problems.map((p) => p.split(':')[0]),
          [
            '/inputs/0',
            '/inputs/1/pattern',
            '/inputs/2/keys/KEY_NOPE',
            '/inputs/3/longPressMs',
            '/feedback/lights/0/port',
          ],
        );
        return true;
      },
    );
  });

  it('rejects an unknown input type and a pin map that is not numbers', async () => {
    await assert.rejects(load({ inputs: [{ type: 'bluetooth' }] }), ConfigError);
    await assert.rejects(load({ inputs: [{ type: 'gpio', pins: { GPIO17: 1 } }] }), ConfigError);
    await assert.rejects(load({ inputs: [{ type: 'gpio', pins: {} }] }), ConfigError);
  });
});
