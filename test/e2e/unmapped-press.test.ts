import assert from 'node:assert/strict';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { freePort } from '@earshot/test-kit/ports';
import { adminToken, deviceCredentials } from '@earshot/test-kit/server-cli';
import { BIN, startProcess, waitFor } from '@earshot/test-kit/processes';
import { indexSignal } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';

interface ApiClip {
  id: string;
  button: number;
  question: { id: string } | null;
}

/**
 * Through the real executables: the server pushes the device's button map (a technician's config
 * push carries the mapped buttons' labels; the default map is 1, 2 and 3), then staff press
 * button 5 and button 2 on a serial button box. Only button 2's clip reaches the server. Then an
 * administrator maps button 5 and unmaps button 2: the device has the new map at once, with no
 * other push, and the two buttons swap.
 */
it('a press on a button the pushed map leaves out never leaves the device; a changed map reaches it at once, a later one when it takes effect', async (t) => {
  const dir = await tempDir();
  t.after(() => dir.remove());
  const [httpPort, mqttPort, devicePort] = [await freePort(), await freePort(), await freePort()];
  const api = `http://127.0.0.1:${httpPort}`;
  const source = join(dir.path, 'signal.raw');
  await writeFile(source, indexSignal(4 * 16_000));
  const serverConfig = join(dir.path, 'server.json');
  await writeFile(
    serverConfig,
    JSON.stringify({ dataDir: join(dir.path, 'server'), http: { port: httpPort }, mqtt: { port: mqttPort } }),
  );
  const cable = startProcess('socat', [
    '-d',
    '-d',
    `pty,raw,echo=0,link=${join(dir.path, 'device-end')}`,
    `pty,raw,echo=0,link=${join(dir.path, 'box')}`,
  ]);
  t.after(() => cable.stop());
  await cable.waitForLine(/starting data transfer loop/);
  await writeFile(
    join(dir.path, 'device.json'),
    JSON.stringify({
      deviceId: 'till-1',
      stateDir: join(dir.path, 'device'),
      audio: { source: { type: 'file', path: source, loop: true }, bufferSeconds: 10 },
      clips: { preSeconds: 1, postSeconds: 1 },
      mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, ...(await deviceCredentials(serverConfig, 'till-1')) },
      http: { port: devicePort },
      inputs: [{ type: 'serial', path: join(dir.path, 'device-end'), reopenSeconds: 0.1 }],
    }),
  );
  const headers = { authorization: `Bearer ${await adminToken(serverConfig)}`, 'content-type': 'application/json' };
  const server = startProcess(process.execPath, [BIN.server, '--config', serverConfig]);
  t.after(() => server.stop());
  await server.waitForLine(/earshot server started/);
  const device = startProcess(process.execPath, [BIN.device, '--config', join(dir.path, 'device.json')]);
  t.after(() => device.stop());
  await device.waitForLine(/connected to broker/);

  // The device is known once its first status is committed.
  const pushed = await waitFor('the config push to be taken', async () => {
    const response = await fetch(`${api}/api/v1/devices/till-1/config`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ clips: {} }),
    });
    return response.status === 404 ? undefined : response;
  });
  assert.equal(pushed.status, 200, await pushed.text());
  await device.waitForLine(/remote configuration applied/);
  const box = async (line: string) => {
    const handle = await open(join(dir.path, 'box'), 'r+');
    await handle.write(`${line}\n`);
    await handle.close();
  };
  await box('BTN 5');
  await device.waitForLine(/press refused: the button answers no question/);
  await box('BTN 2');
  const clips = await waitFor('the mapped press to be stored', async () => {
    const page = (await (await fetch(`${api}/api/v1/clips`, { headers })).json()) as { items: ApiClip[] };
    return page.items.length > 0 ? page.items : undefined;
  });
  // Button 5's press came first: had it been cut, its clip would have been stored before this one.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const all = (await (await fetch(`${api}/api/v1/clips`, { headers })).json()) as { items: ApiClip[] };
  assert.deepEqual(
    all.items.map((c) => [c.button, c.question?.id]),
    [[2, 'improve']],
  );
  assert.equal(clips[0]?.button, 2);

  const remapped = await fetch(`${api}/api/v1/button-maps/default/all`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ buttons: { '1': 'nps', '5': 'complaint' } }),
  });
  assert.equal(remapped.status, 201, await remapped.text());
  const count = (pattern: RegExp) => device.output().match(pattern)?.length ?? 0;
  await waitFor('the new map applied on the device', async () =>
    count(/remote configuration applied/g) >= 2 ? true : undefined,
  );
  await box('BTN 2');
  await waitFor('button 2 refused now', async () =>
    count(/press refused: the button answers no question/g) >= 2 ? true : undefined,
  );
  await box('BTN 5');
  const after = await waitFor('button 5 stored', async () => {
    const page = (await (await fetch(`${api}/api/v1/clips`, { headers })).json()) as { items: ApiClip[] };
    return page.items.some((c) => c.button === 5) ? page.items : undefined;
  });
  assert.deepEqual(
    after.map((c) => [c.button, c.question?.id]),
    [
      [5, 'complaint'],
      [2, 'improve'],
    ],
  );

  // The device's own map, dated two seconds ahead, leaves button 5 out: nothing changes until
  // then, and at that time the device is told, with no other request made.
  const later = await fetch(`${api}/api/v1/button-maps/device/till-1`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ buttons: { '5': null }, effectiveFrom: new Date(Date.now() + 2000).toISOString() }),
  });
  assert.equal(later.status, 201, await later.text());
  assert.equal(count(/remote configuration applied/g), 2, 'not before its time');
  await waitFor('the device map applied when it took effect', async () =>
    count(/remote configuration applied/g) >= 3 ? true : undefined,
  );
  await box('BTN 5');
  await waitFor('button 5 refused now', async () =>
    count(/press refused: the button answers no question/g) >= 3 ? true : undefined,
  );
});
