import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { report } from '@earshot/test-kit/bench';
import { freePort } from '@earshot/test-kit/ports';
import { BIN, REPO_ROOT, type RunningProcess, startProcess, waitFor } from '@earshot/test-kit/processes';
import { adminToken } from '@earshot/test-kit/server-cli';
import { indexSignal } from '@earshot/test-kit/signals';
import { assertInstallSteps } from '@earshot/test-kit/first-boot-steps';
import { sshKey } from '@earshot/test-kit/ssh-key';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { parse } from 'yaml';

const run = promisify(execFile);
const mtoolsEnv = { ...process.env, MTOOLS_SKIP_CHECK: '1' };

interface UserData {
  hostname: string;
  timezone: string;
  packages: string[];
  users: { name: string; ssh_authorized_keys: string[] }[];
  write_files: { path: string; permissions: string; content: string }[];
  runcmd: string[][];
}

/**
 * A technician's path on this machine: `scripts/provision` against a real earshot-server writes
 * a first-boot package into a FAT image (and, older style, a directory); the simulated Pi takes
 * the token from the written user-data, runs `earshot-device enrol`, starts the real daemon, and
 * the API shows it online. The token then cannot be used again.
 */
describe('provision, first boot, enrol, online: end to end', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let server: RunningProcess;
  let device: RunningProcess | undefined;
  let api: string;
  let token: string;
  const key = sshKey();

  before(async () => {
    dir = await tempDir();
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    api = `http://127.0.0.1:${httpPort}`;
    const config = join(dir.path, 'server.json');
    await writeFile(
      config,
      JSON.stringify({
        dataDir: join(dir.path, 'server'),
        http: { port: httpPort },
        mqtt: { host: '127.0.0.1', port: mqttPort },
        transcription: { enabled: false },
      }),
    );
    token = await adminToken(config);
    server = startProcess(process.execPath, [BIN.server, '--config', config]);
    await server.waitForLine(/earshot server started/);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const store = await fetch(`${api}/api/v1/stores/tver-1`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ name: 'Tver', timeZone: 'Europe/Moscow', language: 'ru-RU' }),
    });
    assert.equal(store.status, 201);
  });

  after(async () => {
    await device?.stop();
    await server?.stop();
    await dir?.remove();
  });

  async function provision(args: string[]): Promise<string> {
    const { stdout } = await run(join(REPO_ROOT, 'scripts/provision'), args, {
      env: { ...process.env, EARSHOT_API_TOKEN: token, EARSHOT_WIFI_PSK: 'correct horse battery' },
    });
    return stdout;
  }

  const common = (deviceId: string, hostname: string) => [
    '--server',
    api,
    '--device',
    deviceId,
    '--store',
    'tver-1',
    '--buttons',
    '1=nps,2=improve,3=complaint',
    '--hostname',
    hostname,
    '--ssh-key',
    key,
    '--timezone',
    'Europe/Moscow',
    '--wifi-ssid',
    'Shop WiFi',
    '--wifi-country',
    'RU',
    '--package',
    'https://releases.example/earshot-device-0.1.0.tgz',
  ];

  it('writes cloud-init files into a FAT image; the device enrols with their token and comes online', async () => {
    const image = join(dir.path, 'boot.img');
    await run('mkfs.vfat', ['-C', image, '16384']);
    const stdout = await provision([...common('till-1', 'earshot-till-1'), '--boot', image]);
    assert.match(stdout, /wrote user-data to /);
    // cloud-init runs the first-boot script from runcmd: there is no earshot-firstboot unit to ask.
    assert.match(stdout, /journalctl -t earshot-firstboot .*\/var\/log\/cloud-init-output\.log/);
    assert.doesNotMatch(stdout, /-u earshot-firstboot/);
    const fat = async (name: string) => (await run('mtype', ['-i', image, `::/${name}`], { env: mtoolsEnv })).stdout;

    const userDataText = await fat('user-data');
    assert.match(userDataText, /^#cloud-config\n/);
    const userData = parse(userDataText) as UserData;
    assert.equal(userData.hostname, 'earshot-till-1');
    assert.equal(userData.timezone, 'Europe/Moscow');
    assert.deepEqual(userData.users[0]?.ssh_authorized_keys, [key]);
    assert.deepEqual(userData.runcmd, [['/usr/local/sbin/earshot-firstboot']]);
    const network = parse(await fat('network-config')) as {
      network: { wifis: { wlan0: { 'regulatory-domain': string; 'access-points': Record<string, unknown> } } };
    };
    assert.equal(network.network.wifis.wlan0['regulatory-domain'], 'RU');
    assert.deepEqual(network.network.wifis.wlan0['access-points'], {
      'Shop WiFi': { password: 'correct horse battery' },
    });
    assert.match(await fat('meta-data'), /^instance-id: earshot-till-1$/m);
    const env = userData.write_files.find((f) => f.path === '/etc/earshot/enrol.env');
    assert.equal(env?.permissions, '0600');
    const script = userData.write_files.find((f) => f.path === '/usr/local/sbin/earshot-firstboot');
    assert.ok(script, 'the first-boot script');
    await writeFile(join(dir.path, 'firstboot.sh'), script.content);
    await run('bash', ['-n', join(dir.path, 'firstboot.sh')]);
    assertInstallSteps(script.content);
    // A compiler for the native addons npm ci builds on the Pi (epoll, ioctl), and arecord.
    for (const name of ['g++', 'make', 'python3', 'alsa-utils']) assert.ok(userData.packages.includes(name), name);
    // No Earshot secret but the one-time token: no MQTT password, no API token.
    assert.doesNotMatch(userDataText, new RegExp(token));
    assert.doesNotMatch(userDataText, /password: (?!correct horse battery)/);

    // The Pi's first boot, as far as this machine goes: the enrol step of the script, by its own values.
    const value = (name: string) => new RegExp(`^${name}='([^']*)'$`, 'm').exec(env?.content ?? '')?.[1];
    const claimToken = value('EARSHOT_CLAIM_TOKEN');
    const serverUrl = value('EARSHOT_SERVER');
    assert.ok(claimToken && serverUrl);
    const source = join(dir.path, 'mic.raw');
    await writeFile(source, indexSignal(16_000 * 5));
    const configFile = join(dir.path, 'pi', 'device.json');
    const stateDir = join(dir.path, 'pi', 'state');
    // The config enrolment merges into, with a file standing in for the microphone.
    await run('mkdir', ['-p', join(dir.path, 'pi')]);
    await writeFile(
      configFile,
      JSON.stringify({
        deviceId: 'placeholder',
        audio: { source: { type: 'file', path: source }, bufferSeconds: 20 },
        clips: { preSeconds: 2, postSeconds: 1, format: 'wav' },
        http: { port: await freePort() },
      }),
    );

    const started = performance.now();
    const enrolled = await run(process.execPath, [
      BIN.device,
      'enrol',
      '--server',
      serverUrl,
      '--token',
      claimToken,
      '--config-out',
      configFile,
      '--state-dir',
      stateDir,
    ]);
    assert.match(enrolled.stdout, /enrolled as till-1; broker mqtt:\/\/127\.0\.0\.1:\d+/);
    const config = JSON.parse(await readFile(configFile, 'utf8')) as {
      deviceId: string;
      mqtt: Record<string, unknown>;
      clips: { buttons: number };
    };
    assert.equal(config.deviceId, 'till-1');
    assert.equal(config.clips.buttons, 3);
    assert.equal(config.mqtt.password, undefined, 'no secret in the config');
    device = startProcess(process.execPath, [BIN.device, '--config', configFile]);
    const online = await waitFor('till-1 online in the API', async () => {
      const devices = (await (
        await fetch(`${api}/api/v1/devices`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { id: string; state: string; storeId: string }[];
      return devices.find((d) => d.id === 'till-1' && d.state === 'online');
    });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(online.storeId, 'tver-1');
    report('enrolment: claim token to device online', seconds, 's');

    // The token is spent: another device (another request) presenting it is refused.
    await assert.rejects(
      run(process.execPath, [
        BIN.device,
        'enrol',
        '--server',
        serverUrl,
        '--token',
        claimToken,
        '--state-dir',
        join(dir.path, 'other'),
      ]),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(
          error.stderr,
          /enrolment refused \(409: this claim token was already used at .*; make a new one\)/,
        );
        return true;
      },
    );
  });

  it('rotates the running device’s password over MQTT, then decommissions it', async () => {
    assert.ok(device, 'the device of the first test runs');
    const headers = { authorization: `Bearer ${token}` };
    const credentialsFile = join(dir.path, 'pi', 'state', 'mqtt-credentials.json');
    const before = (JSON.parse(await readFile(credentialsFile, 'utf8')) as { password: string }).password;
    const connections = () => device?.output().match(/connected to broker/g)?.length ?? 0;
    const connectedBefore = connections();
    const rotated = await fetch(`${api}/api/v1/devices/till-1/credentials/rotate`, { method: 'POST', headers });
    assert.equal(rotated.status, 200, await rotated.clone().text());
    assert.deepEqual(await rotated.json(), { deviceId: 'till-1', stored: true, oldPasswordRetired: false });
    const after = (JSON.parse(await readFile(credentialsFile, 'utf8')) as { password: string }).password;
    assert.notEqual(after, before, 'the device stored the new password');
    await waitFor('the device reconnected with it', async () => (connections() > connectedBefore ? true : undefined));

    const gone = await fetch(`${api}/api/v1/devices/till-1/decommission`, { method: 'POST', headers });
    assert.equal(gone.status, 200, await gone.clone().text());
    const running = device;
    await waitFor('the broker refusing the device', async () =>
      /Bad username or password|Not authorized/i.test(running.output()) ? true : undefined,
    );
    // The refusal can reach the device before the server has handled its dropped session.
    await waitFor('the device shown offline', async () => {
      const devices = (await (await fetch(`${api}/api/v1/devices`, { headers })).json()) as {
        id: string;
        state: string;
      }[];
      return devices.find((d) => d.id === 'till-1')?.state === 'offline' ? true : undefined;
    });
    const audit = (await (await fetch(`${api}/api/v1/audit?subjectId=till-1`, { headers })).json()) as {
      items: { action: string }[];
    };
    const actions = audit.items.map((e) => e.action);
    for (const action of [
      'device.claim_token_create',
      'device.enrol',
      'device.credentials_rotate',
      'device.decommission',
    ]) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    }
  });

  it('writes a config for an already-running Pi and prints the enrol command', async () => {
    const file = join(dir.path, 'running-pi.json');
    const stdout = await provision(['--server', api, '--device', 'till-4', '--config-out', file]);
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { deviceId: 'till-4', stateDir: '/var/lib/earshot' });
    assert.match(
      stdout,
      new RegExp(
        `earshot-device enrol --server ${api} --token ect_[A-Za-z0-9_-]+ --config-out /etc/earshot/device.json`,
      ),
    );
  });

  it('writes firstrun.sh and the cmdline.txt hook for older images, into a directory and a FAT image', async () => {
    const boot = join(dir.path, 'bootfs');
    await run('mkdir', ['-p', boot]);
    const cmdline =
      'console=serial0,115200 console=tty1 root=PARTUUID=1234-02 rootfstype=ext4 fsck.repair=yes rootwait\n';
    await writeFile(join(boot, 'cmdline.txt'), cmdline);
    const said = await provision([...common('till-2', 'earshot-till-2'), '--boot', boot, '--style', 'firstrun']);
    assert.match(said, /journalctl -u earshot-firstboot/);
    const firstrun = await readFile(join(boot, 'firstrun.sh'), 'utf8');
    await run('bash', ['-n', join(boot, 'firstrun.sh')]);
    assert.match(firstrun, /^echo earshot-till-2 > \/etc\/hostname$/m);
    assert.ok(firstrun.includes(key), 'the SSH key');
    assert.match(firstrun, /^EARSHOT_CLAIM_TOKEN='ect_[A-Za-z0-9_-]+'$/m);
    assert.match(firstrun, /^country=RU$/m);
    assertInstallSteps(firstrun);
    // No cloud-init to install packages: the first-boot script does.
    assert.match(firstrun, /^missing=\$\(for p in curl ca-certificates alsa-utils opus-tools g\+\+ make python3; /m);
    assert.equal(
      await readFile(join(boot, 'cmdline.txt'), 'utf8'),
      `${cmdline.trim()} systemd.run=/boot/firstrun.sh systemd.run_success_action=reboot systemd.unit=kernel-command-line.target\n`,
    );
    // The same into a FAT image: cmdline.txt read and rewritten with mtools.
    const image = join(dir.path, 'old-boot.img');
    await run('mkfs.vfat', ['-C', image, '16384']);
    const plain = join(dir.path, 'cmdline.txt');
    await writeFile(plain, cmdline);
    await run('mcopy', ['-i', image, plain, '::/cmdline.txt'], { env: mtoolsEnv });
    await provision([...common('till-2', 'earshot-till-2'), '--boot', image, '--style', 'firstrun']);
    const fatCmdline = (await run('mtype', ['-i', image, '::/cmdline.txt'], { env: mtoolsEnv })).stdout;
    assert.equal(fatCmdline.match(/systemd\.run=\/boot\/firstrun\.sh/g)?.length, 1, fatCmdline);
    assert.match((await run('mdir', ['-b', '-i', image, '::/'], { env: mtoolsEnv })).stdout, /firstrun\.sh/i);
    // Provisioned twice (a new token): the hook is not appended twice.
    await provision([...common('till-2', 'earshot-till-2'), '--boot', boot, '--style', 'firstrun']);
    assert.equal((await readFile(join(boot, 'cmdline.txt'), 'utf8')).match(/systemd\.run=/g)?.length, 1);
  });

  it('refuses bad first-boot settings before touching the server', async () => {
    await assert.rejects(
      provision([...common('till-3', 'Till_3'), '--boot', dir.path, '--wifi-country', 'XX']),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 64);
        assert.match(error.stderr, /--hostname: "Till_3" is not a host name/);
        assert.match(error.stderr, /--wifi-country: "XX" is not an ISO 3166-1 alpha-2 country code/);
        return true;
      },
    );
    const devices = (await (
      await fetch(`${api}/api/v1/devices`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      id: string;
    }[];
    assert.ok(!devices.some((d) => d.id === 'till-3'));
  });
});
