import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FirmataFirmware } from '@earshot/test-kit/firmata-firmware';
import { captureLog } from '@earshot/test-kit/log-capture';
import { type RunningProcess, startProcess, waitFor } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { SerialPort } from 'serialport';
import { ArduinoInput } from '../../../src/buttons/arduino/arduino-input.js';

/**
 * The real child process (johnny-five, firmata.js and its serialport 8) on a real pseudo-terminal,
 * with the board's side of Firmata played by FirmataFirmware on the other end. Killing socat is
 * pulling the USB cable.
 */
interface Usb {
  cable: RunningProcess;
  firmware: FirmataFirmware;
  close(): Promise<void>;
}

async function plugIn(dir: string): Promise<Usb> {
  const cable = startProcess('socat', [
    '-d',
    '-d',
    `pty,raw,echo=0,link=${join(dir, 'arduino')}`,
    `pty,raw,echo=0,link=${join(dir, 'usb')}`,
  ]);
  await cable.waitForLine(/starting data transfer loop/);
  const port = new SerialPort({ path: join(dir, 'usb'), baudRate: 57600 });
  await new Promise<void>((resolve, reject) => port.once('open', resolve).once('error', reject));
  port.on('error', () => {}); // the cable is pulled under it on purpose
  const firmware = new FirmataFirmware((bytes) => port.write(bytes));
  let handshaken = false;
  port.on('data', (chunk: Buffer) => {
    if (chunk.includes(0x6b)) handshaken = true;
    firmware.receive(chunk);
  });
  // A real board resets when its port opens and then announces itself; the pty cannot tell us when
  // the other end opens, so the firmware announces itself until the host starts its handshake.
  const boot = setInterval(() => {
    if (handshaken) clearInterval(boot);
    else firmware.boot();
  }, 300);
  return {
    cable,
    firmware,
    async close() {
      clearInterval(boot);
      if (port.isOpen) await new Promise((resolve) => port.close(resolve));
      await cable.stop();
    },
  };
}

describe('Arduino input over real Firmata on a pseudo-terminal', () => {
  it('reads a button, drives the LED, and comes back after the cable is pulled and replugged', async () => {
    const dir = await tempDir('earshot-firmata-');
    let usb = await plugIn(dir.path);
    const log = captureLog();
    const edges: [number, boolean][] = [];
    const arduino = new ArduinoInput({
      port: join(dir.path, 'arduino'),
      pins: new Map([[2, 1]]),
      ledPin: 13,
      readyTimeoutMs: 10_000,
      restartInitialMs: 100,
      restartMaxMs: 500,
      logger: log.logger,
    });
    const unexpected = () => assert.fail('unexpected call');
    await arduino.start({ edge: (b, p) => edges.push([b, p]), press: unexpected, cancel: unexpected });
    try {
      await waitFor('board ready', async () => (arduino.health().connected ? true : undefined));
      usb.firmware.setLevel(2, 0);
      await waitFor('press', async () => (edges.length === 1 ? true : undefined));
      usb.firmware.setLevel(2, 1);
      await waitFor('release', async () => (edges.length === 2 ? true : undefined));
      assert.deepEqual(edges, [
        [1, true],
        [1, false],
      ]);
      arduino.led(true);
      await waitFor('LED on', async () => (usb.firmware.output(13) === 1 ? true : undefined));

      await usb.close();
      await waitFor('unplug noticed', async () => (arduino.health().connected ? undefined : true));
      assert.equal(log.withMessage('Arduino lost; restarting its process').length, 1);

      usb = await plugIn(dir.path);
      await waitFor('board back', async () => (arduino.health().connected ? true : undefined));
      await waitFor('LED restored', async () => (usb.firmware.output(13) === 1 ? true : undefined));
      usb.firmware.setLevel(2, 0);
      await waitFor('press after replug', async () => (edges.length === 3 ? true : undefined));
      assert.deepEqual(edges[2], [1, true]);
    } finally {
      await arduino.stop();
      await usb.close();
      await dir.remove();
    }
  });
});
