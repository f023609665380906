import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { captureLog } from '@earshot/test-kit/log-capture';
import { type RunningProcess, startProcess, waitFor } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import type { InputListener } from '../../../src/buttons/button-input.js';
import { parseLine } from '../../../src/buttons/serial/line-protocol.js';
import { SerialInput } from '../../../src/buttons/serial/serial-input.js';

const PROTOCOL = {
  pattern: /^BTN (\d+)$/,
  cancelPattern: /^CANCEL$/,
  buttons: new Map([[5, 4]]),
  maxButton: 8,
};

describe('serial line protocol', () => {
  it('reads presses, maps box buttons, takes cancels and rejects everything else with a reason', () => {
    assert.deepEqual(parseLine('BTN 3', PROTOCOL), { type: 'press', button: 3 });
    assert.deepEqual(parseLine('BTN 3\r', PROTOCOL), { type: 'press', button: 3 });
    assert.deepEqual(parseLine('BTN 5', PROTOCOL), { type: 'press', button: 4 });
    assert.deepEqual(parseLine('CANCEL', PROTOCOL), { type: 'cancel' });
    assert.equal(parseLine('BTN 9', PROTOCOL).type, 'garbage');
    assert.equal(parseLine('BTN 0', PROTOCOL).type, 'garbage');
    assert.equal(parseLine('hello', PROTOCOL).type, 'garbage');
    assert.deepEqual(parseLine('key=2', { ...PROTOCOL, pattern: /^key=(\d)$/ }), { type: 'press', button: 2 });
  });
});

/** A pseudo-terminal pair: the box end (written by the test) and the device end (opened by the input). */
function startCable(dir: string): RunningProcess {
  return startProcess('socat', [
    '-d',
    '-d',
    `pty,raw,echo=0,link=${join(dir, 'device')}`,
    `pty,raw,echo=0,link=${join(dir, 'box')}`,
  ]);
}

async function send(dir: string, text: string): Promise<void> {
  const box = await open(join(dir, 'box'), 'r+');
  await box.write(text);
  await box.close();
}

describe('serial input on a real pseudo-terminal', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    dir = await tempDir('earshot-serial-');
  });
  after(async () => dir.remove());

  it('receives presses, ignores garbage with a log line, and survives unplug and replug', async () => {
    let cable = startCable(dir.path);
    await cable.waitForLine(/starting data transfer loop/);
    const log = captureLog();
    const presses: number[] = [];
    let cancels = 0;
    const listener: InputListener = {
      edge: () => assert.fail('a serial box has no edges'),
      press: (button) => presses.push(button),
      cancel: () => cancels++,
    };
    const input = new SerialInput({
      path: join(dir.path, 'device'),
      baudRate: 9600,
      reopenMs: 100,
      logger: log.logger,
      ...PROTOCOL,
    });
    await input.start(listener);
    try {
      await waitFor('connected', async () => (input.health().connected ? true : undefined));

      await send(dir.path, 'BTN 2\nnoise from the box\nBTN 99\nCANCEL\nBTN 5\r\n');
      await waitFor('presses', async () => (presses.length === 2 ? true : undefined));
      assert.deepEqual(presses, [2, 4]);
      assert.equal(cancels, 1);
      const ignored = log.withMessage('serial line ignored').map((line) => line['line']);
      assert.deepEqual(ignored, ['noise from the box', 'BTN 99']);

      await cable.stop();
      await waitFor('unplugged noticed', async () => (input.health().connected ? undefined : true));
      assert.match(input.health().detail ?? '', /device/);

      cable = startCable(dir.path);
      await cable.waitForLine(/starting data transfer loop/);
      await waitFor('reconnected', async () => (input.health().connected ? true : undefined));
      await send(dir.path, 'BTN 7\n');
      await waitFor('press after replug', async () => (presses.length === 3 ? true : undefined));
      assert.deepEqual(presses, [2, 4, 7]);
      assert.equal(log.withMessage('serial button box connected').length, 2);
    } finally {
      await input.stop();
      await cable.stop();
    }
  });
});
