import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { captureLog } from '@earshot/test-kit/log-capture';
import { waitFor } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import {
  GpioUnavailableError,
  headerChip,
  headerChipFromGpiodetect,
  readSysfsChips,
  sysfsNumber,
} from '../../../src/buttons/gpio/gpio-chip.js';
import { GpioInput, parseGpiomonLine } from '../../../src/buttons/gpio/gpio-input.js';

const unexpected = () => assert.fail('unexpected call');

type Chip = [label: string, base: number, ngpio: number];

/** /sys/class/gpio as each model shows it (labels and bases as reported on those kernels). */
const LAYOUTS: Record<string, Chip[]> = {
  'Pi 4, Bookworm (kernel 6.6)': [
    ['pinctrl-bcm2711', 512, 58],
    ['raspberrypi-exp-gpio', 570, 8],
  ],
  'Pi 5, Bookworm (kernel 6.6)': [
    ['gpio-brcmstb@107d508500', 512, 32],
    ['gpio-brcmstb@107d508520', 544, 4],
    ['gpio-brcmstb@107d517c00', 548, 17],
    ['gpio-brcmstb@107d517c20', 565, 6],
    ['pinctrl-rp1', 571, 54],
  ],
  'Pi 3, Bullseye (kernel 6.1)': [
    ['pinctrl-bcm2835', 0, 54],
    ['raspberrypi-exp-gpio', 504, 8],
  ],
};

async function sysfsTree(root: string, chips: Chip[]): Promise<void> {
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'export'), '');
  await writeFile(join(root, 'unexport'), '');
  for (const [label, base, ngpio] of chips) {
    const dir = join(root, `gpiochip${base}`);
    await mkdir(dir);
    await writeFile(join(dir, 'label'), `${label}\n`);
    await writeFile(join(dir, 'base'), `${base}\n`);
    await writeFile(join(dir, 'ngpio'), `${ngpio}\n`);
  }
}

describe('GPIO base offset', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    dir = await tempDir('earshot-gpio-');
  });
  after(async () => dir.remove());

  const expected: Record<string, [string, number]> = {
    'Pi 4, Bookworm (kernel 6.6)': ['pinctrl-bcm2711', 512 + 17],
    'Pi 5, Bookworm (kernel 6.6)': ['pinctrl-rp1', 571 + 17],
    'Pi 3, Bullseye (kernel 6.1)': ['pinctrl-bcm2835', 17],
  };
  for (const [model, chips] of Object.entries(LAYOUTS)) {
    it(`finds the header chip on a ${model} and numbers BCM 17 for sysfs`, async () => {
      const root = join(dir.path, model.replace(/\W+/g, '-'));
      await sysfsTree(root, chips);
      const found = await readSysfsChips(root);
      assert.ok(found);
      const chip = headerChip(found);
      const [label, number] = expected[model] ?? ['', -1];
      assert.equal(chip.label, label);
      assert.equal(sysfsNumber(chip, 17), number);
    });
  }

  it('rejects a pin the chip does not have and a tree without a Pi header chip', async () => {
    const chip = { label: 'pinctrl-bcm2711', base: 512, ngpio: 58 };
    assert.throws(() => sysfsNumber(chip, 58), /BCM pin 58 is not on pinctrl-bcm2711/);
    assert.throws(
      () => headerChip([{ label: 'gpio-mockup-A', base: 0, ngpio: 8 }]),
      (error: Error) => error instanceof GpioUnavailableError && /chips seen: gpio-mockup-A@0/.test(error.message),
    );
  });

  it(
    'hands onoff the offset number, and says what is wrong when the pin cannot be exported',
    { skip: existsSync('/sys/class/gpio') && 'this machine has real sysfs GPIO: the test would export a real pin' },
    async () => {
      // onoff always writes under the real /sys/class/gpio, which this machine does not have.
      const root = join(dir.path, 'pi4-for-onoff');
      await sysfsTree(root, LAYOUTS['Pi 4, Bookworm (kernel 6.6)'] ?? []);
      const input = new GpioInput({
        pins: new Map([[17, 1]]),
        activeLow: true,
        sysfsRoot: root,
        logger: captureLog().logger,
      });
      await assert.rejects(
        input.start({ edge: unexpected, press: unexpected, cancel: unexpected }),
        /cannot use BCM 17 \(sysfs 529 on pinctrl-bcm2711\): ENOENT; the service user needs the gpio group/,
      );
    },
  );

  it('tells "no sysfs GPIO at all" apart from an empty one', async () => {
    assert.equal(await readSysfsChips(join(dir.path, 'absent')), undefined);
  });
});

describe('gpiomon fallback', () => {
  it('reads gpiodetect and gpiomon output', () => {
    const detect = 'gpiochip0 [pinctrl-bcm2711] (58 lines)\ngpiochip1 [raspberrypi-exp-gpio] (8 lines)\n';
    assert.equal(headerChipFromGpiodetect(detect), 'gpiochip0');
    assert.equal(
      headerChipFromGpiodetect('gpiochip4 [pinctrl-rp1] (54 lines)\ngpiochip0 [gpio-brcmstb@107d508500] (32 lines)'),
      'gpiochip4',
    );
    assert.throws(() => headerChipFromGpiodetect('gpiochip0 [gpio-mockup-A] (8 lines)'), /lists: gpio-mockup-A/);
    assert.deepEqual(parseGpiomonLine('17 0'), { offset: 17, rising: false });
    assert.deepEqual(parseGpiomonLine('27 1\n'), { offset: 27, rising: true });
    assert.equal(parseGpiomonLine('event: FALLING EDGE offset: 17'), undefined);
  });

  it('runs gpiomon where sysfs is gone, maps pins active-low, and restarts it when it exits', async () => {
    const dir = await tempDir('earshot-gpiomon-');
    const bin = (name: string, body: string) => {
      const path = join(dir.path, name);
      return writeFile(path, `#!/bin/sh\n${body}\n`)
        .then(() => chmod(path, 0o755))
        .then(() => path);
    };
    const gpiodetect = await bin('gpiodetect', "echo 'gpiochip0 [pinctrl-bcm2711] (58 lines)'");
    // Presses 17 (falling = pressed), releases it, presses 27; then exits the first time, as a crash would.
    const gpiomon = await bin(
      'gpiomon',
      `echo "$@" >> ${dir.path}/args\nprintf '17 0\\n17 1\\nnot an event\\n27 0\\n'\n` +
        `[ -e ${dir.path}/ran ] && exec sleep 1000\ntouch ${dir.path}/ran\nexit 1`,
    );
    const log = captureLog();
    const edges: [number, boolean][] = [];
    const input = new GpioInput({
      pins: new Map([
        [17, 1],
        [27, 2],
      ]),
      activeLow: true,
      sysfsRoot: join(dir.path, 'no-sysfs'),
      gpiodetect,
      gpiomon,
      restartMs: 20,
      logger: log.logger,
    });
    try {
      await input.start({ edge: (b, p) => edges.push([b, p]), press: unexpected, cancel: unexpected });
      await waitFor('two runs of events', async () => (edges.length === 6 ? true : undefined));
      const run: [number, boolean][] = [
        [1, true],
        [1, false],
        [2, true],
      ];
      assert.deepEqual(edges, [...run, ...run]);
      const args = (await readFile(join(dir.path, 'args'), 'utf8')).trim().split('\n');
      assert.deepEqual(args, ['-F %o %e -B pull-up gpiochip0 17 27', '-F %o %e -B pull-up gpiochip0 17 27']);
      assert.equal(log.withMessage('unexpected gpiomon output ignored').length, 2);
      assert.equal(log.withMessage('gpiomon exited; restarting').length, 1);
      assert.equal(input.health().connected, true);
    } finally {
      await input.stop();
      await dir.remove();
    }
  });

  it('says exactly what to install when neither sysfs GPIO nor libgpiod is there', async () => {
    const dir = await tempDir('earshot-gpiomon-');
    const input = new GpioInput({
      pins: new Map([[17, 1]]),
      activeLow: true,
      sysfsRoot: join(dir.path, 'no-sysfs'),
      gpiodetect: join(dir.path, 'no-gpiodetect'),
      logger: captureLog().logger,
    });
    await assert.rejects(
      input.start({ edge: unexpected, press: unexpected, cancel: unexpected }),
      /no sysfs GPIO at .*no-sysfs and no gpiodetect: install libgpiod's tools \(`sudo apt install gpiod`\)/,
    );
    await dir.remove();
  });
});
