import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { report } from '@earshot/test-kit/bench';
import { freePort } from '@earshot/test-kit/ports';
import { REPO_ROOT } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';

const run = promisify(execFile);
const MB = 1024 * 1024;
const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

/** Bytes under `path` as du counts them (blocks on disk: what the SD card loses). */
async function diskBytes(path: string): Promise<number> {
  const { stdout } = await run('du', ['-s', '--block-size=1', path]);
  return Number(stdout.split('\t')[0]);
}

/**
 * The release tarball a Pi downloads at first boot: built by scripts/package-device, unpacked as
 * the first-boot script does, installed with `npm ci --omit=dev --workspace=device` from the
 * shipped lock file (the npm cache here has the packages: --prefer-offline), then run: the
 * version, the self-test, and scripts/install-service from the unpacked tree.
 */
describe('device release tarball', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let tarball: string;
  let app: string;

  before(async () => {
    dir = await tempDir('earshot-release-');
    const built = await run(join(REPO_ROOT, 'scripts/package-device'), ['--out', join(dir.path, 'out')]);
    tarball = built.stdout.trim();
    app = join(dir.path, 'opt-earshot');
  });
  after(async () => dir?.remove());

  it('holds what a Pi needs and nothing else, the same bytes when built again', async () => {
    assert.equal(tarball, join(dir.path, 'out', `earshot-device-${version}.tgz`));
    const listed = (await run('tar', ['-tzf', tarball])).stdout.trim().split('\n');
    const top = `earshot-device-${version}/`;
    assert.ok(
      listed.every((entry) => entry.startsWith(top)),
      'one top folder (the first boot unpacks with --strip-components=1)',
    );
    const files = listed.map((entry) => entry.slice(top.length)).filter((entry) => entry && !entry.endsWith('/'));
    const outside = files.filter((f) => !/^(shared|device)\/dist\/src\/.+\.js(\.map)?$/.test(f));
    assert.deepEqual(outside.sort(), [
      'README.md',
      'device/bin/earshot-device.js',
      'device/package.json',
      'package-lock.json',
      'package.json',
      'scripts/install-service',
      'shared/package.json',
      'systemd/earshot-device.service',
      'systemd/earshot-server.service',
    ]);
    assert.ok(files.includes('device/dist/src/main.js'));
    assert.ok(files.includes('shared/dist/src/protocol/index.js'));
    report('release: device tarball', (await stat(tarball)).size / MB, 'MB');

    const again = await run(join(REPO_ROOT, 'scripts/package-device'), ['--out', join(dir.path, 'again')]);
    assert.deepEqual(await readFile(again.stdout.trim()), await readFile(tarball));
  });

  it('installs from its lock file with npm ci for the device workspace alone', { timeout: 600_000 }, async () => {
    await mkdir(app);
    await run('tar', ['-xzf', tarball, '-C', app, '--strip-components=1']);
    const pkg = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as Record<string, unknown>;
    // server/ and test/ are not shipped: the packaged root names only the workspaces it carries.
    assert.deepEqual(pkg.workspaces, ['shared', 'device']);
    assert.equal(pkg.scripts, undefined);
    assert.deepEqual(
      await readFile(join(app, 'package-lock.json')),
      await readFile(join(REPO_ROOT, 'package-lock.json')),
    );

    await run('npm', ['ci', '--omit=dev', '--workspace=device', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: app,
      maxBuffer: 16 * MB,
    });
    assert.equal(await readlink(join(app, 'node_modules/@earshot/shared')), '../../shared');
    assert.equal(await readlink(join(app, 'node_modules/@earshot/device')), '../../device');
    // The native addons the buttons need, compiled or prebuilt for this machine.
    await stat(join(app, 'node_modules/epoll/build/Release/epoll.node'));
    await stat(join(app, 'node_modules/ioctl/build/Release/ioctl.node'));
    // Neither the server's dependencies nor the development tools.
    for (const absent of ['@earshot/server', '@earshot/test-kit', 'fastify', 'typescript', 'playwright-core']) {
      await assert.rejects(stat(join(app, 'node_modules', absent)), { code: 'ENOENT' }, absent);
    }
    // npm ci did hold the lock against the rewritten root: the same tree with a dependency out of
    // step with the lock is refused before anything is fetched.
    const skewed = join(dir.path, 'skewed');
    for (const manifest of ['package.json', 'package-lock.json', 'shared/package.json', 'device/package.json']) {
      await mkdir(dirname(join(skewed, manifest)), { recursive: true });
      await copyFile(join(app, manifest), join(skewed, manifest));
    }
    const devicePkg = join(skewed, 'device/package.json');
    const device = JSON.parse(await readFile(devicePkg, 'utf8')) as { dependencies: Record<string, string> };
    device.dependencies.pino = '^8.0.0';
    await writeFile(devicePkg, JSON.stringify(device));
    await assert.rejects(
      run('npm', ['ci', '--omit=dev', '--workspace=device', '--prefer-offline', '--no-audit', '--no-fund'], {
        cwd: skewed,
      }),
      (error: { stderr: string }) => /package\.json and package-lock\.json .*are in sync/.test(error.stderr),
    );
    report('release: device installed (tree and node_modules)', (await diskBytes(app)) / MB, 'MB');
    report('release: device node_modules', (await diskBytes(join(app, 'node_modules'))) / MB, 'MB');
  });

  it('runs from the unpacked tree: --version and doctor --json', async () => {
    const bin = join(app, 'device/bin/earshot-device.js');
    assert.equal((await run(process.execPath, [bin, '--version'])).stdout, `${version}\n`);

    const config = join(dir.path, 'device.json');
    const stateDir = join(dir.path, 'state');
    await mkdir(stateDir);
    const broker = `mqtt://127.0.0.1:${await freePort()}`;
    await writeFile(
      config,
      JSON.stringify({
        deviceId: 'till-9',
        audio: { source: { type: 'file', path: '/dev/null' } },
        mqtt: { url: broker },
        stateDir,
      }),
    );
    // No broker listens there: doctor fails (exit 1) and says so in its JSON.
    const doctor = await run(process.execPath, [bin, 'doctor', '--json', '--config', config]).then(
      () => assert.fail('doctor passed without a broker'),
      (error: { code: number; stdout: string }) => error,
    );
    assert.equal(doctor.code, 1);
    const answer = JSON.parse(doctor.stdout) as {
      ok: boolean;
      deviceId: string;
      results: { check: string; status: string }[];
    };
    assert.equal(answer.ok, false);
    assert.equal(answer.deviceId, 'till-9');
    assert.deepEqual(
      answer.results.map((r) => r.check),
      ['daemon', 'capture device', 'microphone level', 'buttons', 'broker', 'clock', 'disk', 'outbox'],
    );
    assert.equal(answer.results.find((r) => r.check === 'broker')?.status, 'fail');
    assert.equal(answer.results.find((r) => r.check === 'disk')?.status, 'pass');
  });

  it("installs the service and the earshot-device command with the tree's own install-service", async () => {
    const root = join(dir.path, 'root');
    await run(join(app, 'scripts/install-service'), ['device', '--root', root, '--app', app]);
    const unit = await readFile(join(root, 'etc/systemd/system/earshot-device.service'), 'utf8');
    const execStart = /^ExecStart=(\S+) (\S+)$/m.exec(unit);
    assert.equal(execStart?.[2], join(app, 'device/bin/earshot-device.js'));
    const wrapper = join(root, 'usr/local/bin/earshot-device');
    const node = execStart?.[1] ?? '';
    assert.ok((await readFile(wrapper, 'utf8')).endsWith(`\nexec ${node} ${app}/device/bin/earshot-device.js "$@"\n`));
    assert.equal((await run(wrapper, ['--version'])).stdout, `${version}\n`);
  });
});
