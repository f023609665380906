import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { CredentialsFile, mqttLogin } from '../../src/config/credentials-file.js';
import { fallBackToPreviousPassword } from '../../src/uplink/broker-session.js';

describe('falling back to the previous MQTT password', () => {
  it('falls back only when the new password was refused as bad credentials and a previous one exists', () => {
    for (const code of [4, 5, 0x86, 0x87]) assert.equal(fallBackToPreviousPassword(code, false, true), true, `${code}`);
    // Not about credentials: unreachable (no code), protocol, client id, server unavailable, MQTT 5 server busy.
    for (const code of [undefined, 1, 2, 3, 0x84, 0x88, 0x89]) {
      assert.equal(fallBackToPreviousPassword(code, false, true), false, `${code}`);
    }
    // The previous one refused too: the usual backoff, not a loop.
    assert.equal(fallBackToPreviousPassword(5, true, true), false);
    assert.equal(fallBackToPreviousPassword(5, false, false), false);
  });
});

describe('the credentials file', () => {
  it('reads a file from before rotation kept a previous password', async (t) => {
    const dir = await tempDir();
    t.after(() => dir.remove());
    await mkdir(dir.path, { recursive: true });
    const old = { deviceId: 'pi-1', username: 'pi-1', password: 'secret', updatedAt: '2026-01-01T00:00:00.000Z' };
    await writeFile(join(dir.path, 'mqtt-credentials.json'), JSON.stringify(old), { mode: 0o600 });
    assert.deepEqual(new CredentialsFile(dir.path).read(), old);
    const login = mqttLogin({ deviceId: 'pi-1', stateDir: dir.path, mqtt: { url: 'mqtt://x' } as never });
    assert.equal(login.password, 'secret');
    assert.equal(login.previousPassword, undefined);
  });

  it('keeps the previous password beside the new one, and drops it when written without', async (t) => {
    const dir = await tempDir();
    t.after(() => dir.remove());
    const file = new CredentialsFile(dir.path);
    await file.write({ deviceId: 'pi-1', username: 'pi-1', password: 'new', previousPassword: 'old' });
    assert.equal(file.read()?.previousPassword, 'old');
    await file.write({ deviceId: 'pi-1', username: 'pi-1', password: 'new', previousPassword: undefined });
    assert.equal(file.read()?.password, 'new');
    assert.equal(Object.hasOwn(file.read() ?? {}, 'previousPassword'), false);
  });
});
