import assert from 'node:assert/strict';
import fsPromises, { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { freePort } from '@earshot/test-kit/ports';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { CredentialsFile } from '../../src/config/credentials-file.js';
import { enrol, EnrolmentError } from '../../src/enrolment/enrol.js';

const ANSWER = {
  deviceId: 'till-1',
  mqtt: {
    url: 'mqtts://broker.example:8883',
    root: 'earshot',
    username: 'till-1',
    password: 'secret-password',
    caPem: 'PEM',
  },
  clips: { buttons: 3 },
};

/** A stand-in for the server's enrolment endpoint answering with `answers` in turn; records request bodies. */
async function enrolmentServer(answers: [number, unknown][], onClaim: () => void = () => undefined) {
  const bodies: { token: string; requestId: string }[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      bodies.push(JSON.parse(text) as { token: string; requestId: string });
      onClaim();
      const [status, body] = answers[Math.min(bodies.length - 1, answers.length - 1)] as [number, unknown];
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, bodies, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Records the folders fsynced (opened read-only and synced, as durable-write's syncDir does). */
function recordFolderSyncs(t: TestContext): string[] {
  const synced: string[] = [];
  const realOpen = fsPromises.open;
  t.mock.method(fsPromises, 'open', async (...args: Parameters<typeof realOpen>) => {
    const handle = await realOpen(...args);
    if (args[1] === 'r') {
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        await sync();
        synced.push(String(args[0]));
      };
    }
    return handle;
  });
  // durable-write imports `open` by name: let the named export follow the mock.
  syncBuiltinESMExports();
  t.after(() => {
    t.mock.restoreAll();
    syncBuiltinESMExports();
  });
  return synced;
}

describe('earshot-device enrol', () => {
  it('fsyncs the folders it writes in: the request id before claiming, the config after writing it', async (t) => {
    const dir = await tempDir();
    t.after(() => dir.remove());
    const synced = recordFolderSyncs(t);
    let syncedAtClaim: string[] = [];
    const server = await enrolmentServer([[200, ANSWER]], () => (syncedAtClaim = [...synced]));
    t.after(() => server.close());
    const stateDir = join(dir.path, 'state');
    const configOut = join(dir.path, 'etc', 'device.json');
    await mkdir(join(dir.path, 'etc'));
    await enrol({ server: server.url, token: 'ect_token', stateDir, configOut, log: () => undefined });
    assert.ok(syncedAtClaim.includes(stateDir), 'the request id survives a power cut before the claim');
    assert.ok(synced.includes(join(dir.path, 'etc')), 'the written config survives a power cut');
  });

  it('retries a server error with the same request id, then writes credentials (0600), CA and config', async (t) => {
    const dir = await tempDir();
    t.after(() => dir.remove());
    const server = await enrolmentServer([
      [503, { error: 'busy' }],
      [200, ANSWER],
    ]);
    t.after(() => server.close());
    const configOut = join(dir.path, 'device.json');
    await writeFile(
      configOut,
      JSON.stringify({ deviceId: 'old', audio: { bufferSeconds: 20 }, mqtt: { password: 'stale', chunkBytes: 4096 } }),
    );
    const lines: string[] = [];
    await enrol({
      server: server.url,
      token: 'ect_token',
      stateDir: join(dir.path, 'state'),
      configOut,
      firstDelayMs: 1,
      log: (line) => lines.push(line),
    });
    assert.equal(server.bodies.length, 2);
    assert.equal(server.bodies[0]?.requestId, server.bodies[1]?.requestId, 'a retry is the same request');
    assert.match(lines[0] ?? '', /server answered 503: busy; trying again/);
    const credentials = new CredentialsFile(join(dir.path, 'state'));
    assert.deepEqual(
      { ...credentials.read(), updatedAt: undefined },
      { deviceId: 'till-1', username: 'till-1', password: 'secret-password', updatedAt: undefined },
    );
    assert.equal((await stat(credentials.path)).mode & 0o777, 0o600);
    assert.equal(await readFile(join(dir.path, 'state', 'mqtt-ca.pem'), 'utf8'), 'PEM');
    await assert.rejects(stat(join(dir.path, 'state', 'enrol-request-id')), /ENOENT/);
    assert.deepEqual(JSON.parse(await readFile(configOut, 'utf8')), {
      deviceId: 'till-1',
      stateDir: join(dir.path, 'state'),
      audio: { bufferSeconds: 20 },
      mqtt: {
        chunkBytes: 4096,
        url: 'mqtts://broker.example:8883',
        root: 'earshot',
        caFile: join(dir.path, 'state', 'mqtt-ca.pem'),
      },
      clips: { buttons: 3 },
    });
  });

  it('stops at a refusal with the server’s reason, and gives up on an unreachable server', async (t) => {
    const dir = await tempDir();
    t.after(() => dir.remove());
    const server = await enrolmentServer([[410, { error: 'this claim token expired at 2026-01-01T00:00:00Z' }]]);
    t.after(() => server.close());
    const options = {
      token: 'ect_token',
      stateDir: dir.path,
      configOut: undefined,
      firstDelayMs: 1,
      log: () => undefined,
    };
    await assert.rejects(
      enrol({ ...options, server: server.url }),
      new EnrolmentError('enrolment refused (410: this claim token expired at 2026-01-01T00:00:00Z)'),
    );
    assert.equal(server.bodies.length, 1, 'a refusal is not retried');
    await assert.rejects(
      enrol({ ...options, server: `http://127.0.0.1:${await freePort()}`, attempts: 2 }),
      (error) => {
        assert.ok(error instanceof EnrolmentError);
        assert.match(
          error.message,
          /^cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/v1\/enrol: .*ECONNREFUSED.*; gave up after 2 attempts$/,
        );
        return true;
      },
    );
    await assert.rejects(enrol({ ...options, server: 'ftp://x' }), /--server: "ftp:\/\/x" must be an http/);
  });
});
