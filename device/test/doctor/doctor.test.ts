import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { wavHeader } from '@earshot/shared/wav';
import { type PrivateMosquitto, startPrivateMosquitto } from '@earshot/test-kit/mosquitto';
import { freePort } from '@earshot/test-kit/ports';
import { BIN, type RunningProcess, startProcess } from '@earshot/test-kit/processes';
import { type PulseServer, startPulse } from '@earshot/test-kit/pulse';
import { tone } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { CredentialsFile } from '../../src/config/credentials-file.js';
import type { CheckResult } from '../../src/doctor/check.js';

const run = promisify(execFile);
const RATE = 16_000;

interface Report {
  ok: boolean;
  deviceId: string;
  results: CheckResult[];
}

/** A WAV that plays as a tone reaching the microphone. */
async function toneWav(path: string, seconds: number, amplitude: number): Promise<void> {
  const pcm = tone(seconds * RATE, RATE, 440, amplitude);
  await writeFile(
    path,
    Buffer.concat([wavHeader({ sampleRate: RATE, channels: 1, bitsPerSample: 16 }, pcm.length), pcm]),
  );
}

/** A full-scale square wave: every sample clips. */
async function squareWav(path: string, seconds: number): Promise<void> {
  const pcm = Buffer.alloc(seconds * RATE * 2);
  for (let i = 0; i < seconds * RATE; i++) pcm.writeInt16LE(Math.floor(i / 20) % 2 === 0 ? 32767 : -32768, i * 2);
  await writeFile(
    path,
    Buffer.concat([wavHeader({ sampleRate: RATE, channels: 1, bitsPerSample: 16 }, pcm.length), pcm]),
  );
}

/** Mosquitto's own password file line for a user, made by mosquitto_passwd. */
async function passwordFile(dir: string, username: string, password: string): Promise<string> {
  const file = join(dir, 'passwd-source');
  await run('mosquitto_passwd', ['-c', '-b', file, username, password]);
  return readFile(file, 'utf8');
}

/**
 * `earshot-device doctor --json` against a simulated device: a PulseAudio null sink as the
 * microphone (a tone played into it), a socat pseudo-terminal as the serial button box, and a
 * private Mosquitto with a password file.
 */
describe('earshot-device doctor', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let pulse: PulseServer;
  let broker: PrivateMosquitto;
  let cable: RunningProcess;
  let loud: string;
  let clipping: string;

  before(async () => {
    dir = await tempDir('earshot-doctor-');
    pulse = await startPulse();
    broker = await startPrivateMosquitto({
      dir: dir.path,
      passwordFile: await passwordFile(dir.path, 'till-1', 'right-password'),
      aclFile: 'user till-1\ntopic readwrite earshot/#\n',
    });
    cable = startProcess('socat', [
      '-d',
      '-d',
      `pty,raw,echo=0,link=${join(dir.path, 'ttyDevice')}`,
      `pty,raw,echo=0,link=${join(dir.path, 'ttyBox')}`,
    ]);
    await cable.waitForLine(/starting data transfer loop/);
    loud = join(dir.path, 'tone.wav');
    // Longer than any recording: the "customer" speaks throughout.
    await toneWav(loud, 8, 0.25);
    clipping = join(dir.path, 'square.wav');
    await squareWav(clipping, 8);
  });

  after(async () => {
    await cable?.stop();
    await broker?.stop();
    await pulse?.stop();
    await dir?.remove();
  });

  async function config(name: string, overrides: { password?: string; device?: string; serial?: string } = {}) {
    const path = join(dir.path, `${name}.json`);
    await writeFile(
      path,
      JSON.stringify({
        deviceId: 'till-1',
        stateDir: dir.path,
        audio: { source: { type: 'recorder', device: overrides.device ?? 'pulse' } },
        clips: { buttons: 4 },
        mqtt: { url: broker.url, username: 'till-1', password: overrides.password ?? 'right-password' },
        http: { port: await freePort() },
        inputs: [{ type: 'serial', path: overrides.serial ?? join(dir.path, 'ttyDevice') }],
      }),
    );
    return path;
  }

  /** Runs doctor --json, playing `play` into the microphone; while it collects presses, the box sends `presses`. */
  async function doctor(
    configPath: string,
    presses: string[] = [],
    play?: string,
  ): Promise<{ code: number | string; report: Report }> {
    const child = startProcess(
      process.execPath,
      [BIN.device, 'doctor', '--json', '--config', configPath, '--press-seconds', '2', '--record-seconds', '3'],
      { env: pulse.env },
    );
    // The report alone: stdout (progress and logs go to stderr).
    let stdout = '';
    child.child.stdout?.on('data', (data: Buffer) => {
      stdout += data.toString('utf8');
    });
    const playing = play === undefined ? Promise.resolve() : pulse.play(play);
    if (presses.length > 0) {
      await child.waitForLine(/collecting button presses/);
      const box = await open(join(dir.path, 'ttyBox'), 'r+');
      await box.write(presses.map((p) => `${p}\n`).join(''));
      await box.close();
    }
    const code = await child.exited;
    await playing;
    return { code, report: JSON.parse(stdout) as Report };
  }

  const byCheck = (report: Report) => Object.fromEntries(report.results.map((r) => [r.check, r]));

  it('passes on a working device and reports the level, the presses and the broker', async () => {
    const { code, report } = await doctor(await config('good'), ['BTN 2', 'BTN 3'], loud);
    const checks = byCheck(report);
    assert.equal(checks['daemon']?.status, 'pass');
    assert.equal(checks['capture device']?.status, 'pass', checks['capture device']?.summary);
    const level = checks['microphone level'];
    assert.equal(level?.status, 'pass', level?.summary);
    // A 0.25 full-scale sine is -15 dBFS RMS; the sink's volume changes it little.
    assert.ok((level?.details?.['rmsDbfs'] as number) > -40, level?.summary);
    assert.equal(level?.details?.['clippedRatio'], 0);
    assert.equal(checks['buttons']?.status, 'pass', checks['buttons']?.summary);
    const input = `serial:${join(dir.path, 'ttyDevice')}`;
    assert.deepEqual(checks['buttons']?.details?.['arrivals'], [
      { button: 2, input },
      { button: 3, input },
    ]);
    assert.equal(checks['broker']?.status, 'pass', checks['broker']?.summary);
    assert.equal(checks['disk']?.status, 'pass');
    assert.equal(checks['outbox']?.status, 'pass');
    assert.ok(['pass', 'warn'].includes(checks['clock']?.status ?? ''), 'no clock daemon here: unknown at worst');
    assert.equal(report.ok, true, JSON.stringify(report.results, null, 2));
    assert.equal(code, 0);
  });

  it('fails with what to do: wrong password, missing microphone, no button box, a silent mic', async () => {
    const { code, report } = await doctor(
      await config('broken', {
        password: 'wrong-password',
        device: 'plughw:CARD=Nope,DEV=0',
        serial: join(dir.path, 'ttyNothing'),
      }),
    );
    assert.equal(code, 1);
    assert.equal(report.ok, false);
    const checks = byCheck(report);
    for (const name of ['capture device', 'microphone level', 'buttons', 'broker']) {
      assert.equal(checks[name]?.status, 'fail', `${name}: ${checks[name]?.summary}`);
      assert.ok((checks[name]?.action ?? '').length > 0, `${name} says what to do`);
    }
    assert.match(checks['broker']?.summary ?? '', /refused the credentials/);
    assert.match(checks['buttons']?.summary ?? '', /ttyNothing/);

    // Nothing played into the sink: the microphone hears digital silence.
    const silent = byCheck((await doctor(await config('silent'))).report)['microphone level'];
    assert.equal(silent?.status, 'fail');
    assert.match(silent?.summary ?? '', /digital silence/);
  });

  it('warns about clipping when the microphone is driven to full scale', async () => {
    const level = byCheck((await doctor(await config('clipping'), [], clipping)).report)['microphone level'];
    assert.equal(level?.status, 'warn', level?.summary);
    assert.match(level?.summary ?? '', /clipping/);
    assert.ok((level?.details?.['clippedRatio'] as number) > 0.001);
    assert.match(level?.action ?? '', /lower the capture gain/);
  });

  it('tells an unreachable broker from refused credentials', async () => {
    const path = await config('unreachable');
    const text = JSON.parse(await readFile(path, 'utf8')) as { mqtt: { url: string } };
    text.mqtt.url = `mqtt://127.0.0.1:${await freePort()}`;
    await writeFile(path, JSON.stringify(text));
    const broker = byCheck((await doctor(path)).report)['broker'];
    assert.equal(broker?.status, 'fail');
    assert.match(broker?.summary ?? '', /cannot reach the broker/);
  });

  it('logs in with the enrolled credentials, as the daemon does (none in the config)', async () => {
    // After first boot the password is in <stateDir>/mqtt-credentials.json only.
    const path = await config('enrolled');
    const enrolled = JSON.parse(await readFile(path, 'utf8')) as { stateDir: string; mqtt: Record<string, unknown> };
    enrolled.stateDir = join(dir.path, 'enrolled-state');
    delete enrolled.mqtt.username;
    delete enrolled.mqtt.password;
    await writeFile(path, JSON.stringify(enrolled));
    const credentials = new CredentialsFile(enrolled.stateDir);
    await credentials.write({ deviceId: 'till-1', username: 'till-1', password: 'right-password' });
    const passed = byCheck((await doctor(path)).report)['broker'];
    assert.equal(passed?.status, 'pass', passed?.summary);
    assert.equal(passed?.details?.['credentials'], credentials.path);

    // Rotated, but the broker's password file not reloaded yet: the previous password works.
    await credentials.write({
      deviceId: 'till-1',
      username: 'till-1',
      password: 'not-reloaded-yet',
      previousPassword: 'right-password',
    });
    const fallback = byCheck((await doctor(path)).report)['broker'];
    assert.equal(fallback?.status, 'warn', fallback?.summary);
    assert.match(fallback?.action ?? '', /credentials mosquitto/);

    await credentials.write({ deviceId: 'till-1', username: 'till-1', password: 'rotated-away' });
    const refused = byCheck((await doctor(path)).report)['broker'];
    assert.equal(refused?.status, 'fail');
    assert.match(refused?.action ?? '', /enrolled credentials .* were refused/);

    await credentials.write({ deviceId: 'till-2', username: 'till-2', password: 'right-password' });
    const foreign = byCheck((await doctor(path)).report)['broker'];
    assert.equal(foreign?.status, 'fail');
    assert.match(foreign?.summary ?? '', /belongs to device till-2/);
  });

  it('on a terminal asks for each button in turn and says which were missing or wrong', async () => {
    // script(1) gives doctor a pseudo-terminal, as a technician's SSH session would.
    const command = [process.execPath, BIN.device, 'doctor', '--config', await config('terminal')]
      .concat(['--press-seconds', '1', '--record-seconds', '1'])
      .join(' ');
    const child = startProcess('script', ['-q', '-e', '-c', command, '/dev/null'], { env: pulse.env });
    const box = async (line: string) => {
      const tty = await open(join(dir.path, 'ttyBox'), 'r+');
      await tty.write(`${line}\n`);
      await tty.close();
    };
    await child.waitForLine(/press button 1 /);
    await box('BTN 1');
    await child.waitForLine(/press button 2 /);
    await box('BTN 3');
    const code = await child.exited;
    const output = child.output();
    assert.match(output, /arrived: 1 \(serial/);
    assert.match(output, /nothing arrived for button 3/);
    assert.match(output, /FAIL\s+buttons\s+no press from button 3, 4; wrong button: 2 gave 3 \(serial/);
    assert.match(output, /→ check the wiring of those buttons/);
    assert.equal(code, 1);
  });

  it('says the daemon is running and holds the button box', async () => {
    const path = await config('busy');
    const daemon = startProcess(process.execPath, [BIN.device, '--config', path], { env: pulse.env });
    try {
      await daemon.waitForLine(/serial button box connected/);
      const { report } = await doctor(path);
      const checks = byCheck(report);
      assert.equal(checks['daemon']?.status, 'warn');
      assert.match(checks['daemon']?.action ?? '', /systemctl stop earshot-device/);
      assert.equal(checks['buttons']?.status, 'fail');
      assert.match(checks['buttons']?.action ?? '', /earshot-device holds/);
    } finally {
      await daemon.stop();
    }
  });
});
