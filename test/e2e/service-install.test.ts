import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';

const execFileAsync = promisify(execFile);
const UNITS = ['earshot-device.service', 'earshot-server.service'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * `systemd-analyze verify` works without systemd as PID 1 (as in this container): it loads the
 * unit, reports unknown keys and bad values on stderr, and fails when ExecStart's executable does
 * not exist. `--man=no`: the Documentation= check would look for man pages.
 */
async function verify(unitPath: string): Promise<Run> {
  return run('systemd-analyze', ['verify', '--man=no', unitPath]);
}

/** Every file and directory under `root`, with its mode, and each file's content. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const mode = ((await stat(path)).mode & 0o777).toString(8);
    found[relative(root, path)] = entry.isFile() ? `${mode} ${await readFile(path, 'utf8')}` : mode;
  }
  return found;
}

describe('systemd units', () => {
  let dir: { path: string; remove: () => Promise<void> };
  before(async () => {
    dir = await tempDir('earshot-units-');
  });
  after(async () => dir?.remove());

  for (const unit of UNITS) {
    it(`${unit} passes systemd-analyze verify without a word`, async () => {
      const result = await verify(join(REPO_ROOT, 'systemd', unit));
      assert.deepEqual(result, { code: 0, stdout: '', stderr: '' });
    });
  }

  it('the check fails on a misspelt key and on a missing executable', async () => {
    const text = await readFile(join(REPO_ROOT, 'systemd', UNITS[0] as string), 'utf8');
    const misspelt = join(dir.path, 'misspelt.service');
    await writeFile(misspelt, text.replace('WatchdogSec=', 'WatchdogSecs='));
    assert.match((await verify(misspelt)).stderr, /Unknown key 'WatchdogSecs'/);
    const missing = join(dir.path, 'missing.service');
    await writeFile(missing, text.replace('ExecStart=/usr/bin/node', 'ExecStart=/nonexistent/node'));
    const result = await verify(missing);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /\/nonexistent\/node is not executable/);
  });

  it('the device unit keeps the watchdog, the groups and the hardware it needs', async () => {
    const text = await readFile(join(REPO_ROOT, 'systemd', 'earshot-device.service'), 'utf8');
    for (const line of [
      'Type=notify',
      'NotifyAccess=all',
      'Restart=always',
      'SupplementaryGroups=audio gpio dialout input',
      'ProtectSystem=strict',
      'StateDirectory=earshot',
      'DevicePolicy=closed',
      'DeviceAllow=char-alsa rw',
      'DeviceAllow=char-gpiochip rw',
      'DeviceAllow=char-ttyACM rw',
      'DeviceAllow=char-input rw',
    ]) {
      assert.ok(text.split('\n').includes(line), `missing: ${line}`);
    }
    assert.match(text, /^WatchdogSec=\d+$/m);
    assert.doesNotMatch(text, /^PrivateDevices=yes$/m, 'PrivateDevices hides the sound card');
  });
});

describe('scripts/install-service', () => {
  let dir: { path: string; remove: () => Promise<void> };
  const script = join(REPO_ROOT, 'scripts', 'install-service');
  before(async () => {
    dir = await tempDir('earshot-install-');
    await writeFile(join(dir.path, 'device.json'), JSON.stringify({ deviceId: 'till-1' }));
  });
  after(async () => dir?.remove());

  it('installs the device service under --root, and a second run changes nothing', async () => {
    const root = join(dir.path, 'root');
    const args = ['device', '--root', root, '--config', join(dir.path, 'device.json')];
    const first = await run(script, args);
    assert.equal(first.code, 0, first.stderr);
    const installed = await snapshot(root);

    const unitPath = join(root, 'etc/systemd/system/earshot-device.service');
    const unit = await readFile(unitPath, 'utf8');
    const execStart = /^ExecStart=(\S+) (\S+)$/m.exec(unit);
    assert.ok(execStart, unit);
    assert.equal(execStart[2], join(REPO_ROOT, 'device/bin/earshot-device.js'));
    await stat(execStart[2]);
    assert.deepEqual(await verify(unitPath), { code: 0, stdout: '', stderr: '' });

    assert.equal(installed['etc/earshot'], '750');
    assert.equal(installed['etc/earshot/device.json'], `640 ${JSON.stringify({ deviceId: 'till-1' })}`);
    assert.equal(installed['var/lib/earshot'], '750');
    assert.match(installed['etc/systemd/system/earshot-device.service'] ?? '', /^644 /);
    // The command on the PATH runs what the service runs, with the arguments given.
    const wrapper = join(root, 'usr/local/bin/earshot-device');
    assert.equal(
      installed['usr/local/bin/earshot-device'],
      `755 #!/bin/sh\n# Written by scripts/install-service: earshot-device as its systemd service runs it.\nexport EARSHOT_CONFIG="\${EARSHOT_CONFIG:-/etc/earshot/device.json}"\nexec ${execStart[1]} ${execStart[2]} "$@"\n`,
    );
    const version = JSON.parse(await readFile(join(REPO_ROOT, 'device/package.json'), 'utf8')) as { version: string };
    assert.deepEqual(await run(wrapper, ['--version']), { code: 0, stdout: `${version.version}\n`, stderr: '' });
    // What --root leaves to the system is said, in order, not done.
    const said = first.stderr.split('\n').filter((line) => line.includes('would run:'));
    assert.match(said[0] ?? '', /useradd --system .*earshot$/);
    assert.ok(said.some((line) => line.endsWith('usermod --append --groups audio,gpio,dialout,input earshot')));
    assert.ok(said.some((line) => line.endsWith('chown earshot:earshot /var/lib/earshot')));
    assert.deepEqual(said.slice(-3), [
      'install-service: would run: systemctl daemon-reload',
      'install-service: would run: systemctl enable --now earshot-device.service',
      'install-service: would run: systemctl try-restart earshot-device.service',
    ]);

    const second = await run(script, args);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(await snapshot(root), installed);
    assert.match(second.stderr, /unchanged: \/etc\/systemd\/system\/earshot-device.service/);
    assert.doesNotMatch(second.stderr, /try-restart/, 'an unchanged unit needs no restart');
  });

  it('the installed command finds the installed config; without any, the error says how to name one', async () => {
    const root = join(dir.path, 'command');
    assert.equal((await run(script, ['device', '--root', root])).code, 0);
    // As README's enrolment step runs it: no --config. This machine has no /etc/earshot, so the
    // command is seen looking there (it once looked nowhere and asked for a deviceId).
    const doctor = await run(join(root, 'usr/local/bin/earshot-device'), ['doctor', '--json']);
    assert.notEqual(doctor.code, 0);
    assert.match(doctor.stderr, /cannot read config file \/etc\/earshot\/device\.json: ENOENT/);
    const bare = await run(process.execPath, [join(REPO_ROOT, 'device/bin/earshot-device.js'), 'doctor', '--json']);
    assert.notEqual(bare.code, 0);
    assert.match(
      bare.stderr,
      /no config file named \(pass --config FILE or set EARSHOT_CONFIG; an installed device's is \/etc\/earshot\/device\.json/,
    );
    assert.match(bare.stderr, /deviceId/);
  });

  it('--dry-run with --config says what the real run does: the config written, the service started', async () => {
    const root = join(dir.path, 'dry-config');
    const args = ['device', '--root', root, '--config', join(dir.path, 'device.json')];
    const dry = await run(script, [...args, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /would write: \/etc\/earshot\/device.json \(mode 640\)/);
    // It once said "no /etc/earshot/device.json yet" and "enable" alone: the config it would write.
    assert.doesNotMatch(dry.stderr, /no \/etc\/earshot\/device.json yet/);
    assert.match(dry.stderr, /^install-service: would run: systemctl enable --now earshot-device.service$/m);
    await assert.rejects(stat(root), { code: 'ENOENT' });
    const real = await run(script, args);
    assert.match(real.stderr, /^install-service: would run: systemctl enable --now earshot-device.service$/m);
  });

  it("the device unit does not override the config's stateDir; a stateDir the unit cannot write is refused", async () => {
    const unit = await readFile(join(REPO_ROOT, 'systemd', 'earshot-device.service'), 'utf8');
    assert.doesNotMatch(unit, /^Environment=EARSHOT_STATE_DIR/m);
    const elsewhere = join(dir.path, 'elsewhere.json');
    await writeFile(elsewhere, JSON.stringify({ deviceId: 'till-1', stateDir: '/srv/earshot' }));
    const refused = await run(script, ['device', '--root', join(dir.path, 'elsewhere'), '--config', elsewhere]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /stateDir is \/srv\/earshot, but the service can write only \/var\/lib\/earshot \(ProtectSystem=strict\): set "stateDir": "\/var\/lib\/earshot" or leave it out/,
    );
    const same = join(dir.path, 'same.json');
    await writeFile(same, JSON.stringify({ deviceId: 'till-1', stateDir: '/var/lib/earshot/' }));
    assert.equal((await run(script, ['device', '--root', join(dir.path, 'same'), '--config', same])).code, 0);
  });

  it('--dry-run writes nothing; a bad role or option is a usage error', async () => {
    const root = join(dir.path, 'dry');
    const dry = await run(script, ['server', '--root', root, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /would write: \/etc\/systemd\/system\/earshot-server.service/);
    assert.match(dry.stderr, /would write: \/usr\/local\/bin\/earshot-server \(mode 755\)/);
    assert.match(dry.stderr, /no \/etc\/earshot\/server.json yet/);
    // Without a config the service would fail to start (and the install with it): enabled only.
    assert.match(dry.stderr, /^install-service: would run: systemctl enable earshot-server.service$/m);
    await assert.rejects(stat(root), { code: 'ENOENT' });
    assert.equal((await run(script, ['printer'])).code, 64);
    assert.equal((await run(script, ['device', '--frobnicate'])).code, 64);
  });
});
