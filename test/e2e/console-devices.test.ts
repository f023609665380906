import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { consoleRig } from '@earshot/test-kit/console-rig';
import { freePort } from '@earshot/test-kit/ports';
import { BIN, startProcess, waitFor } from '@earshot/test-kit/processes';
import { deviceCredentials } from '@earshot/test-kit/server-cli';

/**
 * The fleet in the console with a real earshot-device on the embedded broker: listed online and
 * offline, its Ogg/Opus clip played, and its device page as an admin uses it (heartbeats, a config
 * rejected then applied, an audited test press).
 */
it('the web console: devices online and offline, a real device clip, the device page', async (t) => {
  let credentials: { username: string; password: string } | undefined;
  const rig = await consoleRig(t, {}, async (serverConfig) => {
    credentials = await deviceCredentials(serverConfig, 'till-east');
  });
  if (!rig || !credentials) return;
  const devicePort = await freePort();
  const olga = await rig.addUser('olga', 'admin');
  await rig.call('PUT', '/api/v1/stores/north', { name: 'North Mall', timeZone: 'Europe/Moscow', language: 'en-US' });
  await rig.call('PUT', '/api/v1/stores/south', { name: 'South Street', timeZone: 'Europe/London', language: 'en-US' });
  await rig.call('PUT', '/api/v1/devices/till-north', { storeId: 'north', name: 'North till' });
  await rig.call('PUT', '/api/v1/devices/till-south', { storeId: 'south', name: 'South till' });
  await rig.call('PUT', '/api/v1/devices/till-east', { storeId: 'north', name: 'North entrance' });
  await rig.call('PUT', '/api/v1/questions/queue', { kind: 'complaint', text: { en: 'The queue', ru: 'Очередь' } });
  await rig.call('POST', '/api/v1/button-maps/store/north', {
    buttons: { '1': 'nps', '2': 'queue' },
    effectiveFrom: new Date(Date.now() - 3_600_000).toISOString(),
  });

  const silence = join(rig.dir, 'silence.raw');
  await writeFile(silence, Buffer.alloc(16_000 * 2 * 2));
  const deviceConfig = join(rig.dir, 'device.json');
  await writeFile(
    deviceConfig,
    JSON.stringify({
      deviceId: 'till-east',
      stateDir: join(rig.dir, 'device'),
      audio: { source: { type: 'file', path: silence, loop: true }, bufferSeconds: 10 },
      clips: { preSeconds: 1, postSeconds: 1 },
      mqtt: { url: `mqtt://127.0.0.1:${rig.mqttPort}`, ...credentials },
      http: { port: devicePort },
    }),
  );
  const device = startProcess(process.execPath, [BIN.device, '--config', deviceConfig]);
  t.after(() => device.stop());
  await device.waitForLine(/connected to broker/);
  await waitFor('till-east online', async () => {
    const devices = await rig.call<{ id: string; state: string }[]>('GET', '/api/v1/devices');
    return devices.find((d) => d.id === 'till-east' && d.state === 'online');
  });

  const { page, errors } = await rig.newPage();
  await rig.signIn(page, 'olga', olga);

  await t.test('lists the devices, one of three online, and plays the Ogg/Opus clip of a press', async () => {
    await page.locator('[data-nav=devices]').click();
    await page.locator('[data-device-id=till-east][data-state=online]').waitFor();
    assert.match((await page.locator('[data-testid=device-summary]').textContent()) ?? '', /1 of 3 online/);
    await rig.shoot(page, 'devices');

    const pressed = await fetch(`http://127.0.0.1:${devicePort}/api/v1/press`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ button: 1 }),
    });
    assert.equal(pressed.status, 202);
    const { clipId } = (await pressed.json()) as { clipId: string };
    await waitFor('the device clip stored', async () =>
      (await fetch(`${rig.api}/api/v1/clips/${clipId}`, { headers: { authorization: `Bearer ${rig.token}` } })).ok
        ? true
        : undefined,
    );
    await rig.open(page, `#/clips/${clipId}`);
    await page.locator('[data-testid=waveform][data-state=ready]').waitFor();
    await rig.until(page, "document.querySelector('audio').duration > 0");
  });

  await t.test('the device page: heartbeats, a config rejected then applied, an audited test press', async () => {
    await rig.open(page, `#/devices/till-east`);
    await page.locator('[data-testid=heartbeats] tbody tr').first().waitFor();
    assert.match((await page.locator('[data-testid=device-state] [data-testid=state]').textContent()) ?? '', /online/);
    const config = page.locator('[data-testid=config-form]');
    await config.locator('input[name=preSeconds]').fill('30');
    await config.locator('button[type=submit]').click();
    await page.locator('[data-testid=config-state][data-status=rejected]').waitFor();
    assert.match((await page.locator('[data-testid=config-state]').textContent()) ?? '', /rejected .*buffer/i);
    await config.locator('input[name=preSeconds]').fill('2');
    await config.locator('button[type=submit]').click();
    await page.locator('[data-testid=config-state][data-status=applied]').waitFor();
    await rig.shoot(page, 'device-detail');
    await page.locator('[data-action=test-press]').click();
    await page.locator('[data-testid=test-press-audio]').waitFor({ timeout: 60_000 });
    await rig.until(page, "document.querySelector('[data-testid=test-press-audio]').duration > 0");
    const audited = await rig.call<{ items: { username: string }[] }>('GET', '/api/v1/audit?action=device.test-press');
    assert.deepEqual(
      audited.items.map((e) => e.username),
      ['olga'],
      'the test press is audited',
    );
  });

  await t.test('a stopped device is listed offline', async () => {
    await device.stop();
    await page.locator('[data-nav=devices]').click();
    await waitFor('till-east offline in the console', async () => {
      await page.reload();
      return (await page.locator('[data-device-id=till-east][data-state=offline]').count()) === 1 ? true : undefined;
    });
  });

  assert.deepEqual(errors, [], 'no script errors in the page');
});
