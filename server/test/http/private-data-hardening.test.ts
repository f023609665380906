import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { writeFile } from 'node:fs/promises';
import { Sessions } from '../../src/access/sessions.js';
import { Users } from '../../src/access/users.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { apiTest, appHarness } from '../support/app-harness.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { ingestHarness, wavClip } from '../support/ingest-harness.js';

const PASSWORD = 'saddle-orbit-pewter-lagoon';

/** Issue #14 item 14: expired sessions, caching of personal data, /metrics, file modes. */
for (const kind of DATABASE_KINDS) {
  describe(`private data hardening on ${kind}`, () => {
    it('answers audio, transcripts and exports with no-store and nosniff', async (t) => {
      const api = await apiTest(t, kind);
      if (!api) return;
      try {
        const { app, ingest } = api;
        await app.inject({ method: 'PUT', url: '/api/v1/devices/pi-1', payload: { storeId: null } });
        const clip = wavClip(indexSignal(1600), 1, new Date('2026-05-01T10:00:00Z'));
        assert.equal((await submitClip(ingest, 'pi-1', clip.meta, clip.audio)).status, 'complete');
        for (const url of [
          `/api/v1/clips/${clip.meta.clipId}/audio`,
          `/api/v1/clips/${clip.meta.clipId}`,
          '/api/v1/clips/export.csv',
          '/api/v1/clips',
        ]) {
          const answer = await app.inject({ url });
          assert.equal(answer.statusCode, 200, `${url}: ${answer.body}`);
          assert.deepEqual(
            [answer.headers['cache-control'], answer.headers['x-content-type-options']],
            ['no-store', 'nosniff'],
            url,
          );
        }
      } finally {
        await api.close();
      }
    });

    it('sweeps expired sessions when someone signs in', async (t) => {
      const api = await apiTest(t, kind);
      if (!api) return;
      try {
        const { app, db } = api;
        const { user } = await new Users(db).upsert({ username: 'mary', role: 'manager', password: PASSWORD });
        const lastWeek = new Sessions(db, 3_600_000, () => new Date(Date.now() - 7 * 86_400_000));
        await lastWeek.open(user.id);
        await lastWeek.open(user.id);
        const signIn = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { authorization: '' },
          payload: { username: 'mary', password: PASSWORD },
        });
        assert.equal(signIn.statusCode, 200);
        const left = await db.selectFrom('sessions').select('expires_at').execute();
        assert.equal(left.length, 1, 'only the new session is left');
        assert.ok((left[0]?.expires_at ?? '') > new Date().toISOString());
      } finally {
        await api.close();
      }
    });
  });
}

describe('/metrics', () => {
  it('answers only to its bearer token when http.metricsToken is set', async (t) => {
    const test = await testDatabase(t, 'sqlite');
    if (!test) return;
    const dir = await tempDir();
    const blobs = new DiskBlobStore(dir.path);
    const { ingest, buttonMap, queue } = ingestHarness(test.db, blobs);
    const token = 'scrape-me-0123456789abcdef';
    const app = await appHarness({ db: test.db, blobs, queue, buttonMap, ingest, http: { metricsToken: token } });
    try {
      const scrape = (authorization: string) => app.inject({ url: '/metrics', headers: { authorization } });
      assert.equal((await scrape('')).statusCode, 401);
      assert.equal((await scrape('Bearer scrape-me-0123456789abcdeX')).statusCode, 401);
      const admin = await app.inject({ url: '/metrics' });
      assert.equal(admin.statusCode, 401, "an admin's API token is not the metrics token");
      const ok = await scrape(`Bearer ${token}`);
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /# TYPE /);
      const remote = await app.inject({
        url: '/metrics',
        remoteAddress: '203.0.113.7',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(remote.statusCode, 200, 'with the token, from anywhere');
    } finally {
      await app.close();
      await test.close();
      await dir.remove();
    }
  });

  it('without a token, answers this machine only', async (t) => {
    const test = await testDatabase(t, 'sqlite');
    if (!test) return;
    const dir = await tempDir();
    const blobs = new DiskBlobStore(dir.path);
    const { ingest, buttonMap, queue } = ingestHarness(test.db, blobs);
    const app = await appHarness({ db: test.db, blobs, queue, buttonMap, ingest });
    try {
      const from = (remoteAddress: string) => app.inject({ url: '/metrics', remoteAddress });
      assert.equal((await from('127.0.0.1')).statusCode, 200);
      assert.equal((await from('::1')).statusCode, 200);
      const remote = await from('203.0.113.7');
      assert.equal(remote.statusCode, 403);
      assert.match(remote.json<{ error: string }>().error, /http\.metricsToken/);
    } finally {
      await app.close();
      await test.close();
      await dir.remove();
    }
  });
});

describe('data files run by hand', () => {
  it('creates the data folder 0700 and the database 0600 whatever the shell umask', async () => {
    const dir = await tempDir();
    try {
      const dataDir = join(dir.path, 'var');
      const config = join(dir.path, 'config.json');
      await writeFile(config, JSON.stringify({ dataDir }));
      // A shell's usual umask, which would leave the files readable by everyone.
      const previous = process.umask(0o022);
      const running = startProcess(process.execPath, [BIN.server, 'users', 'list', '--config', config]);
      process.umask(previous);
      assert.equal(await running.exited, 0, running.output());
      const mode = async (path: string) => ((await stat(path)).mode & 0o777).toString(8);
      assert.equal(await mode(dataDir), '700');
      assert.equal(await mode(join(dataDir, 'earshot.db')), '600');
    } finally {
      await dir.remove();
    }
  });
});
