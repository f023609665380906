import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { it } from 'node:test';
import { connect, type MqttClient } from 'mqtt';
import { Topics } from '@earshot/shared/protocol';
import { consoleRig } from '@earshot/test-kit/console-rig';
import { waitFor } from '@earshot/test-kit/processes';
import { deviceCredentials } from '@earshot/test-kit/server-cli';

const topics = new Topics('earshot');

interface FleetRow {
  id: string;
  state: string;
  stateSince: string;
  heartbeatAt: string | null;
  heartbeat: { outbox: { clips: number } } | null;
}

/** A heartbeat as a device sends it; `over` changes what the test is about. */
function heartbeat(over: Record<string, unknown> = {}) {
  return {
    at: new Date().toISOString(),
    version: '1.4.2',
    uptimeSeconds: 3700,
    mic: { state: 'ok', rmsDbfs: -38 },
    outbox: { clips: 0, bytes: 0, quotaBytes: 2 ** 30, refused: 0, full: false },
    disk: { freeBytes: 8 * 2 ** 30 },
    clock: { synchronized: true },
    configVersion: null,
    clips: { preSeconds: 20, postSeconds: 40, buttons: 3 },
    ...over,
  };
}

/**
 * The technician's fleet list and device page, on a server whose devices are MQTT clients that
 * speak the device protocol (status, heartbeats, config state) as the daemon does, so that each
 * device is in the state the test is about.
 */
it('the fleet: heartbeat, microphone, backlog and version columns, filters, and a device page in cards', async (t) => {
  const rig = await consoleRig(t, { transcription: { enabled: false } });
  if (!rig) return;
  const mqttPort = (JSON.parse(await readFile(rig.serverConfig, 'utf8')) as { mqtt: { port: number } }).mqtt.port;
  await rig.call('PUT', '/api/v1/stores/north', { name: 'North Mall', timeZone: 'Europe/Moscow', language: 'en-US' });
  await rig.call('PUT', '/api/v1/stores/south', { name: 'South Street', timeZone: 'Europe/Moscow', language: 'ru-RU' });
  await rig.call('PUT', '/api/v1/devices/till-a', { storeId: 'north', name: 'North till' });
  await rig.call('PUT', '/api/v1/devices/till-b', { storeId: 'south', name: 'South till' });
  await rig.call('PUT', '/api/v1/devices/till-c', { storeId: 'north', name: 'Spare' });
  const clients: MqttClient[] = [];
  t.after(async () => {
    for (const client of clients) await client.endAsync(true);
  });
  const asDevice = async (id: string) => {
    const client = await connectAs(mqttPort, id, await deviceCredentials(rig.serverConfig, id));
    clients.push(client);
    const publish = (topic: string, body: unknown, retain = false) =>
      client.publishAsync(topic, JSON.stringify(body), { qos: 1, retain });
    await publish(topics.status(id), { state: 'online', at: new Date().toISOString(), version: '1.4.2' }, true);
    return publish;
  };
  const fleet = () => rig.call<FleetRow[]>('GET', '/api/v1/fleet');
  const deviceA = await asDevice('till-a');
  const deviceB = await asDevice('till-b');
  await waitFor('both online', async () =>
    (await fleet()).filter((d) => d.state === 'online').length === 2 ? true : undefined,
  );
  // till-b restarted since it came online, quicker than it could be seen going offline: its
  // uptime is younger than the "online" state. "Online since" once showed the older time.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  for (const level of [-42, -35, -39, -31]) {
    await deviceA(topics.heartbeat('till-a'), heartbeat({ mic: { state: 'ok', rmsDbfs: level } }));
  }
  for (const clips of [1, 2, 3]) {
    await deviceB(
      topics.heartbeat('till-b'),
      heartbeat({
        uptimeSeconds: 0.5,
        mic: { state: 'dead', rmsDbfs: -90, silentSeconds: 40 },
        outbox: { clips, bytes: clips * 40_000, quotaBytes: 2 ** 30, refused: 0, full: false },
      }),
    );
  }
  const lastB = await waitFor('the third heartbeat of till-b', async () =>
    (await fleet()).find((d) => d.id === 'till-b' && d.heartbeat?.outbox.clips === 3),
  );
  assert.equal(lastB.stateSince, new Date(Date.parse(lastB.heartbeatAt ?? '') - 500).toISOString());

  const olga = await rig.addUser('olga', 'admin');
  const { page, errors } = await rig.newPage();
  await rig.signIn(page, 'olga', olga);
  await rig.open(page, `#/devices`);
  await page.locator('tr[data-device-id=till-c]').waitFor();
  const rowText = async (id: string, col: string) =>
    ((await page.locator(`tr[data-device-id=${id}] td[data-col=${col}]`).textContent()) ?? '').trim();
  assert.match(await rowText('till-b', 'mic'), /^silent · -90\.0 dBFS$/);
  assert.equal(await rowText('till-b', 'backlog'), '3');
  assert.match(await rowText('till-a', 'mic'), /^working · -31\.0 dBFS$/);
  assert.notEqual(await rowText('till-a', 'heartbeat'), '—');
  assert.equal(await rowText('till-c', 'heartbeat'), '—');
  assert.match((await page.locator('tr[data-device-id=till-a]').textContent()) ?? '', /1\.4\.2/);
  await rig.shoot(page, 'fleet');

  const shownIds = async () => {
    const rows = page.locator('tbody tr[data-device-id]');
    const ids: (string | null)[] = [];
    for (let i = 0; i < (await rows.count()); i++) ids.push(await rows.nth(i).getAttribute('data-device-id'));
    return ids;
  };
  await page.selectOption('select[data-filter=store]', 'south');
  assert.deepEqual(await shownIds(), ['till-b']);
  await rig.shows(page, /#\/devices\?store=south$/);
  await page.selectOption('select[data-filter=store]', '');
  await page.selectOption('select[data-filter=problem]', 'offline');
  assert.deepEqual(await shownIds(), ['till-c']);
  await page.selectOption('select[data-filter=problem]', 'mic');
  assert.deepEqual(await shownIds(), ['till-b']);
  // A link reproduces the view.
  await rig.open(page, `#/devices?store=north&problem=any`);
  await page.reload();
  await page.locator('[data-testid=devices-shown]').getByText('1 of 3 shown').waitFor();
  assert.deepEqual(await shownIds(), ['till-c']);
  assert.equal(await page.locator('select[data-filter=problem]').inputValue(), 'any');
  await rig.shoot(page, 'fleet-filtered');

  // The device page: cards, graphs of the heartbeats, the form filled with what the device runs,
  // a test press offering the mapped buttons by their questions.
  await rig.open(page, `#/devices/till-a`);
  for (const card of ['status', 'config', 'test-press', 'alerts', 'heartbeats']) {
    await page.locator(`section.card[data-card=${card}]`).waitFor();
  }
  await page.locator('[data-testid=trend-level] canvas').waitFor();
  await page.locator('[data-testid=trend-backlog] canvas').waitFor();
  const form = page.locator('[data-testid=config-form]');
  assert.equal(await form.locator('input[name=preSeconds]').inputValue(), '20');
  assert.equal(await form.locator('input[name=postSeconds]').inputValue(), '40');
  assert.equal(await form.locator('input[name=buttons]').inputValue(), '3');
  assert.deepEqual(await page.locator('form.test-press option').allTextContents(), [
    '1 · How likely are you to recommend us?',
    '2 · What should we improve?',
    '3 · Complaint',
  ]);
  assert.match((await page.locator('[data-testid=state]').textContent()) ?? '', /online/);
  assert.match((await page.locator('[data-testid=device-state]').textContent()) ?? '', /1 h 1 min/);

  // A push the device refuses before anything from here was applied: its own configuration stays
  // (it once said "Version — stays in force").
  await form.locator('input[name=postSeconds]').fill('45');
  await form.locator('button[type=submit]').click();
  await page.locator('[data-testid=config-state][data-status=pending]').waitFor();
  await deviceA(
    topics.configState('till-a'),
    { version: 1, status: 'rejected', reason: 'no such buffer', appliedVersion: null, at: new Date().toISOString() },
    true,
  );
  await page.locator('[data-testid=config-state][data-status=rejected]').waitFor();
  const rejected = (await page.locator('[data-testid=config-state]').textContent()) ?? '';
  assert.match(rejected, /Version 1 rejected by the device: no such buffer\. Its own configuration stays in force\./);
  assert.doesNotMatch(rejected, /—/);
  await rig.shoot(page, 'device-detail-cards');

  // In Russian, for a store that speaks it: the buttons carry the Russian questions.
  await page.locator('[data-language=ru]').click();
  await rig.open(page, `#/devices/till-b`);
  await page.locator('form.test-press option').first().waitFor({ state: 'attached' });
  assert.equal(await page.locator('form.test-press option').first().textContent(), '1 · Порекомендуете ли вы нас?');
  assert.match((await page.locator('[data-testid=mic]').textContent()) ?? '', /тишина/);
  await page.locator('[data-testid=trend-backlog] canvas').waitFor();
  // Its three heartbeats came seconds apart: the time axis has no label twice (it read "23:35"
  // three times). _values: the labels uPlot last drew.
  const drawn = await page.evaluate<string[]>(
    "document.querySelector('[data-testid=trend-backlog]').plot().axes[0]._values",
  );
  assert.ok(drawn.length > 1, `labels: ${drawn.join(', ')}`);
  assert.equal(new Set(drawn).size, drawn.length, `labels: ${drawn.join(', ')}`);
  await rig.shoot(page, 'device-detail-ru');

  // A device with one heartbeat: its graphs span an hour around it, not years (uPlot widened a
  // time axis with one point to 2.7 years).
  const deviceC = await asDevice('till-c');
  await deviceC(topics.heartbeat('till-c'), heartbeat());
  await waitFor('the heartbeat of till-c', async () =>
    (await fleet()).find((d) => d.id === 'till-c' && d.heartbeat !== null),
  );
  await rig.open(page, `#/devices/till-c`);
  await page.locator('[data-testid=trend-backlog] canvas').waitFor();
  const span = await page.evaluate<number>(
    "(() => { const { min, max } = document.querySelector('[data-testid=trend-backlog]').plot().scales.x; return max - min; })()",
  );
  assert.equal(span, 3600);
  // Its time labels are the console's language's (Russian: 24-hour), not uPlot's English "10:45pm".
  const labels = await page.evaluate<string[]>(
    "(() => { const u = document.querySelector('[data-testid=trend-backlog]').plot(); return u.axes[0].values(u, [u.scales.x.min]); })()",
  );
  assert.match(labels[0] ?? '', /^\d\d:\d\d$/);
  await rig.shoot(page, 'device-detail-one-heartbeat');
  assert.deepEqual(errors, []);
});

async function connectAs(port: number, clientId: string, login: { username: string; password: string }) {
  const client = connect(`mqtt://127.0.0.1:${port}`, { clientId, ...login, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}
