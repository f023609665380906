import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { captureLog } from '@earshot/test-kit/log-capture';
import { waitFor } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { HidInput } from '../../../src/buttons/hid/hid-input.js';
import {
  EV_KEY,
  encodeInputEvent,
  INPUT_EVENT_BYTES,
  InputEventDecoder,
  KEY_DOWN,
  KEY_REPEAT,
  KEY_UP,
} from '../../../src/buttons/hid/input-event.js';
import { KEY_CODES, keyCode } from '../../../src/buttons/hid/key-codes.js';

const unexpected = () => assert.fail('unexpected call');

const EV_SYN = 0;
const EV_MSC = 4;
const MSC_SCAN = 4;

/**
 * What a USB presenter's "next" key produces when held: scan code, key down, sync, autorepeat
 * (value 2) while held, key up, sync. Hand-checked against the 64-bit struct input_event layout.
 */
function recordedHold(code: number, t0: number): Buffer {
  return Buffer.concat([
    encodeInputEvent(EV_MSC, MSC_SCAN, 0x7004e, t0),
    encodeInputEvent(EV_KEY, code, KEY_DOWN, t0),
    encodeInputEvent(EV_SYN, 0, 0, t0),
    encodeInputEvent(EV_KEY, code, KEY_REPEAT, t0 + 500_000),
    encodeInputEvent(EV_SYN, 0, 0, t0 + 500_000),
    encodeInputEvent(EV_KEY, code, KEY_REPEAT, t0 + 533_000),
    encodeInputEvent(EV_SYN, 0, 0, t0 + 533_000),
    encodeInputEvent(EV_MSC, MSC_SCAN, 0x7004e, t0 + 600_000),
    encodeInputEvent(EV_KEY, code, KEY_UP, t0 + 600_000),
    encodeInputEvent(EV_SYN, 0, 0, t0 + 600_000),
  ]);
}

describe('input_event decoding', () => {
  it('lays out a record as the kernel does on 64-bit: timeval, type, code, value', () => {
    const record = encodeInputEvent(EV_KEY, 109, KEY_DOWN, 1_700_000_000_250_000);
    assert.equal(record.length, INPUT_EVENT_BYTES);
    assert.equal(record.toString('hex'), '00f1536500000000' + '90d0030000000000' + '0100' + '6d00' + '01000000');
  });

  it('yields key downs and ups only, whatever the chunking, ignoring autorepeat and other events', () => {
    const stream = Buffer.concat([recordedHold(KEY_CODES.KEY_PAGEDOWN ?? 0, 1_000_000), recordedHold(28, 3_000_000)]);
    const expected = [
      { code: 109, pressed: true, timeUs: 1_000_000 },
      { code: 109, pressed: false, timeUs: 1_600_000 },
      { code: 28, pressed: true, timeUs: 3_000_000 },
      { code: 28, pressed: false, timeUs: 3_600_000 },
    ];
    for (const chunkSize of [stream.length, INPUT_EVENT_BYTES, 7, 1]) {
      const decoder = new InputEventDecoder();
      const events = [];
      for (let i = 0; i < stream.length; i += chunkSize)
        events.push(...decoder.push(stream.subarray(i, i + chunkSize)));
      assert.deepEqual(events, expected, `chunks of ${chunkSize}`);
    }
  });

  it('knows key names presenters and pedals send, and takes numbers as they are', () => {
    assert.equal(keyCode('KEY_PAGEDOWN'), 109);
    assert.equal(keyCode('KEY_B'), 48);
    assert.equal(keyCode('272'), 272);
    assert.equal(keyCode('KEY_NO_SUCH'), undefined);
  });
});

describe('HID input', () => {
  it('maps key codes to buttons from an event stream and ignores unmapped keys', async () => {
    const dir = await tempDir('earshot-hid-');
    const fifo = join(dir.path, 'event0');
    await promisify(execFile)('mkfifo', [fifo]);
    const log = captureLog();
    const edges: [number, boolean][] = [];
    const input = new HidInput({
      path: fifo,
      keys: new Map([
        [109, 1],
        [104, 2],
      ]),
      grab: false,
      reopenMs: 60_000, // a reopened FIFO would wait in open() for a writer that never comes
      logger: log.logger,
    });
    try {
      // A FIFO's reader and writer each wait in open() for the other.
      const [, writer] = await Promise.all([
        input.start({ edge: (b, p) => edges.push([b, p]), press: unexpected, cancel: unexpected }),
        open(fifo, 'w'),
      ]);
      await writer.write(
        Buffer.concat([recordedHold(109, 0), recordedHold(30, 1_000_000), recordedHold(104, 2_000_000)]),
      );
      await waitFor('edges', async () => (edges.length === 4 ? true : undefined));
      assert.deepEqual(edges, [
        [1, true],
        [1, false],
        [2, true],
        [2, false],
      ]);
      assert.equal(input.health().connected, true);
      await writer.close();
      await waitFor('end of input noticed', async () => (input.health().connected ? undefined : true));
      assert.match(input.health().detail ?? '', /gone: end of input/);
    } finally {
      await input.stop();
      await dir.remove();
    }
  });

  it('says so clearly when the device cannot be grabbed exclusively', async () => {
    const dir = await tempDir('earshot-hid-');
    const file = join(dir.path, 'not-evdev');
    await writeFile(file, '');
    const log = captureLog();
    const input = new HidInput({
      path: file,
      keys: new Map([[109, 1]]),
      grab: true,
      reopenMs: 100,
      logger: log.logger,
    });
    try {
      await input.start({ edge: unexpected, press: unexpected, cancel: unexpected });
      assert.equal(input.health().connected, false);
      assert.match(input.health().detail ?? '', /cannot grab .*not-evdev exclusively: ENOTTY/);
    } finally {
      await input.stop();
      await dir.remove();
    }
  });

  it('waits for a device that is not plugged in', async () => {
    const dir = await tempDir('earshot-hid-');
    const log = captureLog();
    const input = new HidInput({
      path: join(dir.path, 'absent'),
      keys: new Map([[109, 1]]),
      grab: false,
      reopenMs: 50,
      logger: log.logger,
    });
    try {
      await input.start({ edge: unexpected, press: unexpected, cancel: unexpected });
      assert.equal(input.health().connected, false);
      assert.match(input.health().detail ?? '', /ENOENT/);
      assert.equal(
        log.withMessage('HID button device not connected; retrying').length,
        1,
        'logged once, not per retry',
      );
    } finally {
      await input.stop();
      await dir.remove();
    }
  });
});
