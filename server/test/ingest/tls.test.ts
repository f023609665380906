import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { TransferRig } from '../support/transfer-rig.js';

it('aedes over mqtts: a device with the CA delivers a clip', async (t) => {
  const rig = await TransferRig.create(t, 'aedes');
  if (!rig) return;
  const cert = join(rig.dir, 'broker.crt');
  const key = join(rig.dir, 'broker.key');
  // Self-signed for 127.0.0.1: it is its own CA.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  await rig.prepare(['dev-t']);
  await rig.startServer('a', {
    EARSHOT_MQTT__TLS: JSON.stringify({ certFile: cert, keyFile: key, caFile: cert }),
  });
  const device = await rig.device('dev-t', {
    url: rig.mqttUrl.replace('mqtt://', 'mqtts://'),
    ca: await readFile(cert),
  });
  device.start();
  await device.press(2);
  await rig.waitForStored(device.clips, 30_000);
  assert.deepEqual(await rig.storageProblems(), []);
});
