import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { ApiTokens } from '../../src/access/api-tokens.js';
import { Users } from '../../src/access/users.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';

const anonymous = { authorization: '' };
const GOOD = 'saddle-orbit-pewter-lagoon';

/** Runs `earshot-server users …` with `input` on stdin. */
function cli(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN.server, 'users', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Own password change, resets ending other credentials, and the password policy (#14 item 10). */
for (const kind of DATABASE_KINDS) {
  describe(`passwords on ${kind}`, () => {
    it('changes one’s own password, ending the other sessions and tokens but not the one in use', async (t) => {
      const api = await apiTest(t, kind);
      if (!api) return;
      try {
        const { app, db } = api;
        const { user, generatedPassword } = await new Users(db).upsert({
          username: 'mary',
          role: 'manager',
          generatePassword: true,
        });
        const { token: other } = await new ApiTokens(db).create(user.id, 'reports', 1);
        const signIn = async (password: string) => {
          const answer = await app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            headers: anonymous,
            payload: { username: 'mary', password },
          });
          const cookie = answer.cookies.find((c) => c.name === 'earshot_session');
          return {
            status: answer.statusCode,
            cookie: `earshot_session=${cookie?.value ?? ''}`,
            body: answer.json<{ csrfToken?: string }>(),
          };
        };
        const laptop = await signIn(generatedPassword as string);
        const phone = await signIn(generatedPassword as string);
        const me = (cookie: string) => app.inject({ url: '/api/v1/auth/me', headers: { ...anonymous, cookie } });
        const change = (payload: object) =>
          app.inject({
            method: 'POST',
            url: '/api/v1/auth/password',
            headers: {
              ...anonymous,
              cookie: laptop.cookie,
              'x-csrf-token': laptop.body.csrfToken ?? '',
            },
            payload,
          });

        const wrong = await change({ currentPassword: 'not-my-password-at-all', newPassword: GOOD });
        assert.deepEqual([wrong.statusCode, wrong.json()], [400, { error: 'body/currentPassword: wrong password' }]);
        const weak = await change({ currentPassword: generatedPassword, newPassword: 'password1234' });
        assert.equal(weak.statusCode, 400);
        assert.match(weak.json<{ error: string }>().error, /^body\/newPassword: too easy to guess \(.+\)/);
        assert.equal((await me(phone.cookie)).statusCode, 200, 'refused changes end nothing');

        const changed = await change({ currentPassword: generatedPassword, newPassword: GOOD });
        assert.equal(changed.statusCode, 204, changed.body);
        assert.equal((await me(laptop.cookie)).statusCode, 200, 'the session in use stays open');
        assert.equal((await me(phone.cookie)).statusCode, 401, 'another session ended');
        const byToken = await app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${other}` } });
        assert.equal(byToken.statusCode, 401, 'her API token was revoked');
        assert.equal((await signIn(generatedPassword as string)).status, 401);
        assert.equal((await signIn(GOOD)).status, 200);

        // By API token: the token in use survives, the sessions do not.
        const { token: own } = await new ApiTokens(db).create(user.id, 'cli', 1);
        const session = await signIn(GOOD);
        const viaToken = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/password',
          headers: { authorization: `Bearer ${own}` },
          payload: { currentPassword: GOOD, newPassword: `${GOOD}-two` },
        });
        assert.equal(viaToken.statusCode, 204, viaToken.body);
        const still = await app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${own}` } });
        assert.equal(still.statusCode, 200);
        assert.equal((await me(session.cookie)).statusCode, 401);
        const audit = await app.inject({ url: '/api/v1/audit?action=user.password_change' });
        assert.equal(audit.json<{ items: unknown[] }>().items.length, 2);
      } finally {
        await api.close();
      }
    });

    it('ends every session and token of a user whose password an admin resets, and refuses weak ones', async (t) => {
      const api = await apiTest(t, kind);
      if (!api) return;
      try {
        const { app, db } = api;
        const { user } = await new Users(db).upsert({ username: 'ivan', role: 'technician', password: GOOD });
        const { token } = await new ApiTokens(db).create(user.id, 'old', 1);
        const login = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: anonymous,
          payload: { username: 'ivan', password: GOOD },
        });
        const cookie = `earshot_session=${login.cookies.find((c) => c.name === 'earshot_session')?.value ?? ''}`;
        for (const [username, password, why] of [
          ['ivan', 'password1234', /similar to a commonly used password/],
          ['newcomer', 'password1234', /similar to a commonly used password/],
          ['newcomer', 'aaaaaaaaaaaaaaaa', /Repeated characters/],
          ['newcomer', 'qwertyuiopasdf', /similar to a commonly used password/],
          ['ivan', 'ivan.ivan.ivan', /Repeated character patterns/],
          ['newcomer', 'short-1', /must be at least 12 characters long/],
        ] as const) {
          const refused = await app.inject({
            method: 'PUT',
            url: `/api/v1/users/${username}`,
            payload: { role: 'technician', password },
          });
          assert.equal(refused.statusCode, 400, `${username} ${password}: ${refused.body}`);
          assert.match(refused.json<{ error: string }>().error, /^body\/password/);
          assert.match(refused.json<{ error: string }>().error, why);
        }
        assert.equal((await app.inject({ url: '/api/v1/auth/me', headers: { ...anonymous, cookie } })).statusCode, 200);

        const reset = await app.inject({
          method: 'PUT',
          url: '/api/v1/users/ivan',
          payload: { role: 'technician', password: `${GOOD}-reset` },
        });
        assert.equal(reset.statusCode, 200, reset.body);
        assert.equal((await app.inject({ url: '/api/v1/auth/me', headers: { ...anonymous, cookie } })).statusCode, 401);
        const old = await app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
        assert.equal(old.statusCode, 401);
        // A change of role alone ends nothing.
        const { token: kept } = await new ApiTokens(db).create(user.id, 'kept', 1);
        await app.inject({ method: 'PUT', url: '/api/v1/users/ivan', payload: { role: 'manager' } });
        const after = await app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${kept}` } });
        assert.equal(after.statusCode, 200);
      } finally {
        await api.close();
      }
    });

    it('resets by `earshot-server users reset-password`, generated or chosen and judged', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      const dir = await tempDir();
      try {
        const users = new Users(test.db);
        const { user } = await users.upsert({ username: 'olga', role: 'admin', password: GOOD });
        const { token } = await new ApiTokens(test.db).create(user.id, 'old', 1);
        const config = join(dir.path, 'config.json');
        await writeFile(config, JSON.stringify({ dataDir: dir.path, database: { url: test.url } }));
        const args = ['reset-password', 'olga', '--config', config];

        const weak = await cli([...args, '--stdin'], 'letmein12345\n');
        assert.equal(weak.code, 64, weak.stderr);
        assert.match(weak.stderr, /password: too easy to guess/);
        assert.ok(await users.checkPassword('olga', GOOD), 'a refused reset changes nothing');

        const chosen = await cli([...args, '--stdin'], 'granite-walrus-tundra-9\n');
        assert.equal(chosen.code, 0, chosen.stderr);
        assert.equal(chosen.stdout, '');
        assert.ok(await users.checkPassword('olga', 'granite-walrus-tundra-9'));
        assert.equal(await new ApiTokens(test.db).resolve(token), undefined, 'her old token was revoked');

        const generated = await cli(args, '');
        assert.equal(generated.code, 0, generated.stderr);
        assert.ok(await users.checkPassword('olga', generated.stdout.trim()));
      } finally {
        await test.close();
        await dir.remove();
      }
    });
  });
}
