import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { ApiTokens } from '../../src/access/api-tokens.js';
import { Users } from '../../src/access/users.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';

/** A disabled user can be enabled again, by the API and the CLI (#14 item 11). */
for (const kind of DATABASE_KINDS) {
  describe(`enabling a disabled user on ${kind}`, () => {
    it('re-enables by the API, audited; tokens from before the disabling stay revoked', async (t) => {
      const api = await apiTest(t, kind);
      if (!api) return;
      try {
        const { app, db } = api;
        const { user, generatedPassword } = await new Users(db).upsert({
          username: 'mary',
          role: 'manager',
          generatePassword: true,
        });
        const { token } = await new ApiTokens(db).create(user.id, 'old', 1);
        const signIn = () =>
          app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            headers: { authorization: '' },
            payload: { username: 'mary', password: generatedPassword },
          });
        assert.equal((await signIn()).statusCode, 200);

        assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/users/mary' })).statusCode, 204);
        assert.equal((await signIn()).statusCode, 401);
        const enabled = await app.inject({ method: 'POST', url: '/api/v1/users/mary/enable' });
        assert.equal(enabled.statusCode, 200, enabled.body);
        assert.equal(enabled.json<{ disabled: boolean }>().disabled, false);
        assert.equal((await signIn()).statusCode, 200);
        const old = await app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
        assert.equal(old.statusCode, 401, 'a token from before the disabling came back');

        const again = await app.inject({ method: 'POST', url: '/api/v1/users/mary/enable' });
        assert.equal(again.statusCode, 404);
        assert.deepEqual(again.json(), { error: 'no disabled user mary' });
        assert.equal((await app.inject({ method: 'POST', url: '/api/v1/users/nobody/enable' })).statusCode, 404);
        const audit = await app.inject({ url: '/api/v1/audit?action=user.enable' });
        assert.equal(audit.json<{ items: { subjectId: string }[] }>().items[0]?.subjectId, 'mary');
      } finally {
        await api.close();
      }
    });

    it('re-enables with `earshot-server users enable`', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      const dir = await tempDir();
      try {
        await new Users(test.db).upsert({ username: 'ivan', role: 'technician' });
        const config = join(dir.path, 'config.json');
        await writeFile(config, JSON.stringify({ dataDir: dir.path, database: { url: test.url } }));
        const cli = async (...args: string[]) => {
          const running = startProcess(process.execPath, [BIN.server, 'users', ...args, 'ivan', '--config', config]);
          return { code: await running.exited, output: running.output() };
        };
        assert.equal((await cli('disable')).code, 0);
        assert.equal((await new Users(test.db).byUsername('ivan'))?.disabled, true);
        const enabled = await cli('enable');
        assert.equal(enabled.code, 0, enabled.output);
        assert.equal((await new Users(test.db).byUsername('ivan'))?.disabled, false);
        const again = await cli('enable');
        assert.equal(again.code, 64);
        assert.match(again.output, /no disabled user ivan/);
      } finally {
        await test.close();
        await dir.remove();
      }
    });
  });
}
