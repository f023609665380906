import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { wavHeader } from '@earshot/shared/wav';
import { freePort } from '@earshot/test-kit/ports';
import { waitFor } from '@earshot/test-kit/processes';
import SQLite from 'better-sqlite3';
import { ApiTokens } from '../../src/access/api-tokens.js';
import { Users } from '../../src/access/users.js';
import { openDatabase } from '../../src/db/database.js';
import { httpDouble, json } from '../support/http-double.js';
import { connect } from 'mqtt';
import { BROKERS, type BrokerKind, topics, TransferRig } from '../support/transfer-rig.js';

interface WebhookBody {
  event: string;
  data: { deviceId: string; kind: string; detail: string };
}

/**
 * The server binary with its embedded aedes broker, real device processes or real Uplinks, and a
 * local HTTP server receiving the webhooks. Alerts are checked every second here.
 */
async function fleetRig(
  t: TestContext,
  deviceIds: string[],
  fleet: NodeJS.ProcessEnv = {},
  kind: BrokerKind = 'aedes',
) {
  const rig = await TransferRig.create(t, kind);
  if (!rig) return undefined;
  await rig.prepare(deviceIds);
  const receiver = await httpDouble((_request, response) => json(response, 200, {}));
  t.after(() => receiver.close());
  const db = await openDatabase(rig.dbUrl);
  const { user } = await new Users(db).upsert({ username: 'tech-admin', role: 'admin' });
  const { token } = await new ApiTokens(db).create(user.id, 'test', 1);
  await db.destroy();
  const httpPort = await freePort();
  await rig.startServer('a', {
    EARSHOT_HTTP__PORT: String(httpPort),
    EARSHOT_TRANSCRIPTION__ENABLED: 'false',
    EARSHOT_FLEET__CHECK_INTERVAL_SECONDS: '1',
    EARSHOT_WEBHOOKS__HOOKS: JSON.stringify([
      {
        name: 'tech',
        url: `${receiver.url}/hook`,
        secret: 'a-secret-of-sixteen+',
        events: ['device.alert.raised', 'device.alert.resolved'],
      },
    ]),
    ...fleet,
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const events = () => receiver.requests.map((r) => JSON.parse(r.body.toString('utf8')) as WebhookBody);
  const webhook = (event: string, deviceId: string, kind: string) =>
    waitFor(`${event} ${kind} for ${deviceId}`, async () =>
      events().find((e) => e.event === event && e.data.deviceId === deviceId && e.data.kind === kind),
    );
  const sqlite = new SQLite(rig.dbUrl.slice('sqlite:'.length), { readonly: true });
  t.after(() => sqlite.close());
  const row = <T>(sql: string, ...params: unknown[]) =>
    waitFor(sql, async () => sqlite.prepare(sql).get(...params) as T | undefined);
  return { rig, api, events, webhook, row };
}

describe('fleet health', () => {
  it('a device SIGKILLed goes offline through its Last Will, and the offline alert reaches the webhook', async (t) => {
    const fixture = await fleetRig(t, ['dev-w'], { EARSHOT_FLEET__OFFLINE_MINUTES: '0' });
    if (!fixture) return;
    const { rig, api, webhook, row } = fixture;
    const device = await rig.startDeviceProcess('dev-w');
    await row(`select state from devices where id = 'dev-w' and state = 'online'`);
    device.process.child.kill('SIGKILL');
    await device.process.exited;
    await row(`select state from devices where id = 'dev-w' and state = 'offline'`);
    const raised = await webhook('device.alert.raised', 'dev-w', 'offline');
    assert.match(raised.data.detail, /^offline since /);
    // "Offline since" stays when the same state is said again (a retained message redelivered).
    const before = await row<{ state_changed_at: string; last_seen_at: string }>(
      `select state_changed_at, last_seen_at from devices where id = 'dev-w'`,
    );
    const again = connect(rig.mqttUrl, {
      clientId: 'earshot-device-dev-w',
      username: 'dev-w',
      password: rig.password('dev-w'),
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    await new Promise((resolve, reject) => again.once('connect', resolve).once('error', reject));
    await again.publishAsync(topics.status('dev-w'), JSON.stringify({ state: 'offline' }), { qos: 1, retain: true });
    again.end(true);
    const after = await row<{ state_changed_at: string }>(
      `select state_changed_at from devices where id = 'dev-w' and last_seen_at > ?`,
      before.last_seen_at,
    );
    assert.equal(after.state_changed_at, before.state_changed_at);
    const fleet = await api('GET', '/api/v1/fleet');
    const listed = (fleet.body as unknown as { id: string; state: string; alerts: { kind: string }[] }[]).find(
      (d) => d.id === 'dev-w',
    );
    assert.equal(listed?.state, 'offline');
    assert.deepEqual(
      listed?.alerts.map((a) => a.kind),
      ['offline'],
    );
    // Back online: resolved.
    await rig.startDeviceProcess('dev-w');
    await webhook('device.alert.resolved', 'dev-w', 'offline');
  });

  it('mosquitto restarted (its retained status lost): the device announces "online" again on reconnecting', async (t) => {
    const rig = await TransferRig.create(t, 'mosquitto');
    if (!rig) return;
    await rig.prepare(['dev-r'], ['watch']);
    const device = await rig.device('dev-r');
    device.start();
    await waitFor('connected', async () => (device.uplink.connected ? true : undefined));
    // SIGKILL: Mosquitto saves retained messages only at its autosave or a clean stop.
    await rig.mosquitto?.restart();
    const connections = () => device.log.lines.filter((l) => l.includes('connected to broker')).length;
    await waitFor('reconnected', async () => (connections() >= 2 && device.uplink.connected ? true : undefined));
    // A newcomer (the server after its own restart) learns the state from the retained message alone.
    const retained = await waitFor('retained online', async () => {
      const watcher = connect(rig.mqttUrl, {
        username: 'server-watch',
        password: rig.password('server-watch'),
        protocolVersion: 5,
        reconnectPeriod: 0,
      });
      try {
        await new Promise((resolve, reject) => watcher.once('connect', resolve).once('error', reject));
        const message = new Promise<{ payload: string; retain: boolean } | undefined>((resolve) => {
          watcher.once('message', (_topic, payload, packet) =>
            resolve({ payload: payload.toString(), retain: packet.retain }),
          );
          setTimeout(() => resolve(undefined), 500);
        });
        await watcher.subscribeAsync(topics.status('dev-r'), { qos: 1 });
        return await message;
      } finally {
        watcher.end(true);
      }
    });
    assert.equal(retained.retain, true);
    assert.equal((JSON.parse(retained.payload) as { state: string }).state, 'online');
  });

  it('mic dead and a stuck button on a real device raise alerts once, and resolve when they clear', async (t) => {
    const fixture = await fleetRig(t, ['dev-m']);
    if (!fixture) return;
    const { rig, api, events, webhook } = fixture;
    const silence = join(rig.dir, 'silence.wav');
    await writeFile(
      silence,
      Buffer.concat([wavHeader({ sampleRate: 16000, channels: 1, bitsPerSample: 16 }, 320000), Buffer.alloc(320000)]),
    );
    // No GPIO here: libgpiod's tools are the thinnest layer, so stand-ins on the PATH report pin 17
    // pulled low (pressed, active-low) and keep it there until the test releases it.
    const bin = join(rig.dir, 'bin');
    await mkdir(bin);
    const script = async (name: string, body: string) => {
      await writeFile(join(bin, name), `#!/bin/sh\n${body}\n`);
      await chmod(join(bin, name), 0o755);
    };
    await script('gpiodetect', "echo 'gpiochip0 [pinctrl-bcm2711] (58 lines)'");
    const release = join(rig.dir, 'release');
    await script(
      'gpiomon',
      `printf '17 0\\n'\nwhile [ ! -e ${release} ]; do sleep 0.1; done\nprintf '17 1\\n'\nexec sleep 1000`,
    );
    await rig.startDeviceProcess('dev-m', {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      EARSHOT_INPUTS: JSON.stringify([
        {
          type: 'gpio',
          pins: { '17': 2 },
          sysfsRoot: join(rig.dir, 'no-sysfs'),
          stuckSeconds: 1,
          longPressMs: 500,
        },
      ]),
      EARSHOT_AUDIO__SOURCE: JSON.stringify({ type: 'file', path: silence, loop: true, pace: 'realtime' }),
      EARSHOT_AUDIO__SAMPLE_RATE: '16000',
      EARSHOT_AUDIO__CHANNELS: '1',
      EARSHOT_AUDIO__MIC_DEAD_SECONDS: '1',
      EARSHOT_MQTT__HEARTBEAT_SECONDS: '1',
    });
    const mic = await webhook('device.alert.raised', 'dev-m', 'mic-dead');
    assert.match(mic.data.detail, /digital silence/);
    const stuck = await webhook('device.alert.raised', 'dev-m', 'button-stuck');
    assert.equal(stuck.data.detail, 'gpio button 2 stuck');
    const detail = await api('GET', '/api/v1/fleet/dev-m');
    assert.equal(detail.status, 200);
    assert.ok((detail.body.heartbeats as unknown[]).length >= 2, 'heartbeat history kept');

    await writeFile(release, '');
    await webhook('device.alert.resolved', 'dev-m', 'button-stuck');
    // Raised once, however many heartbeats repeated the condition.
    const raised = (kind: string) =>
      events().filter((e) => e.event === 'device.alert.raised' && e.data.kind === kind).length;
    assert.equal(raised('button-stuck'), 1);
    assert.equal(raised('mic-dead'), 1);
  });

  for (const kind of BROKERS) {
    it(`${kind}: a pushed config is applied and acknowledged; an invalid one is rejected with the reason and the old kept; a test press returns its clip`, async (t) => {
      const fixture = await fleetRig(t, ['dev-c'], { EARSHOT_FLEET__TEST_PRESS_TIMEOUT_SECONDS: '2' }, kind);
      if (!fixture) return;
      const { rig, api, row } = fixture;
      const device = await rig.startDeviceProcess('dev-c');
      await row(`select state from devices where id = 'dev-c' and state = 'online'`);
      const status = async () =>
        (await (await fetch(`http://127.0.0.1:${device.httpPort}/api/v1/status`)).json()) as {
          configVersion: number | null;
          bufferedSeconds: number;
        };

      const pushed = await api('PUT', '/api/v1/devices/dev-c/config', { clips: { preSeconds: 2, postSeconds: 0.5 } });
      assert.equal(pushed.status, 200, JSON.stringify(pushed.body));
      // The push carries the labels of the buttons mapped now (the default map: 1, 2, 3).
      assert.deepEqual(pushed.body, {
        version: 1,
        clips: {
          preSeconds: 2,
          postSeconds: 0.5,
          perButton: {
            '1': { label: 'How likely are you to recommend us?' },
            '2': { label: 'What should we improve?' },
            '3': { label: 'Complaint' },
          },
        },
      });
      await row(`select 1 from device_config_states where device_id = 'dev-c' and state_json like '%"applied"%'`);
      assert.equal((await status()).configVersion, 1);
      const applied = await api('GET', '/api/v1/fleet/dev-c');
      assert.deepEqual((applied.body.config as { state: { status: string; version: number } }).state.status, 'applied');
      assert.deepEqual(
        (applied.body.buttons as { button: number }[]).map((b) => b.button),
        [1, 2, 3],
      );
      // The touchscreen now shows the mapped buttons only, labelled with the questions.
      const page = await (await fetch(`http://127.0.0.1:${device.httpPort}/`)).text();
      assert.deepEqual(
        [...page.matchAll(/<button data-button="(\d+)">/g)].map((m) => m[1]),
        ['1', '2', '3'],
      );
      assert.ok(page.includes('What should we improve?'));

      // The ring buffer holds 30 s: a 40 s pre-roll cannot be.
      const refused = await api('PUT', '/api/v1/devices/dev-c/config', { clips: { preSeconds: 40 } });
      assert.equal(refused.body.version, 2);
      const state = await row<{ state_json: string }>(
        `select state_json from device_config_states where device_id = 'dev-c' and state_json like '%"rejected"%'`,
      );
      const rejected = JSON.parse(state.state_json) as { version: number; reason: string; appliedVersion: number };
      assert.equal(rejected.version, 2);
      assert.equal(rejected.appliedVersion, 1);
      assert.match(rejected.reason, /buffer/i);
      assert.equal((await status()).configVersion, 1, 'the old configuration stays in force');

      // Test press: the device presses through its normal path; the clip, cut with the applied
      // 2 s + 0.5 s window, arrives under the id the API returned.
      await waitFor('3 s buffered', async () => ((await status()).bufferedSeconds >= 3 ? true : undefined));
      const press = await api('POST', '/api/v1/devices/dev-c/test-press', { button: 1 });
      assert.equal(press.status, 200, JSON.stringify(press.body));
      const clipId = press.body.clipId as string;
      const clip = await row<{ duration_ms: number }>(`select duration_ms from clips where id = ?`, clipId);
      assert.ok(Math.abs(clip.duration_ms - 2500) < 50, `clip of ${clip.duration_ms} ms`);
      const unmapped = await api('POST', '/api/v1/devices/dev-c/test-press', { button: 5 });
      assert.equal(unmapped.status, 409);
      assert.match(unmapped.body.error as string, /button 5 answers no question on dev-c \(mapped buttons: 1, 2, 3\)/);
      await row(`select 1 from audit_events where action = 'device.test-press' and subject_id = 'dev-c'`);

      // Offline: a test press gets no answer; a config pushed now waits, retained, for the device.
      await device.process.stop(5000);
      await row(`select 1 from devices where id = 'dev-c' and state = 'offline'`);
      const unanswered = await api('POST', '/api/v1/devices/dev-c/test-press', { button: 1 });
      assert.equal(unanswered.status, 504);
      const later = await api('PUT', '/api/v1/devices/dev-c/config', { clips: { postSeconds: 1 } });
      assert.equal(later.body.version, 3);
      await rig.startDeviceProcess('dev-c');
      await row(
        `select 1 from device_config_states where device_id = 'dev-c' and state_json like '%"version":3,"status":"applied"%'`,
      );
    });
  }
});
