import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignInLockout } from '../../src/access/sign-in-lockout.js';
import { Users } from '../../src/access/users.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { appHarness } from '../support/app-harness.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { ingestHarness } from '../support/ingest-harness.js';

const PASSWORD = 'saddle-orbit-pewter-lagoon';

/** Per-account lockout and the client address behind a proxy (#14 item 9). */
describe('the sign-in lockout', () => {
  it('locks an account for the addresses that failed, backing off, and a right password clears it', () => {
    let now = 0;
    const lockout = new SignInLockout({ failures: 3, baseSeconds: 10, maxSeconds: 25 }, () => now);
    const failThrice = (address: string) => {
      for (let i = 0; i < 3; i++) lockout.failed('mary', address);
    };
    lockout.failed('mary', 'a');
    lockout.failed('mary', 'a');
    assert.equal(lockout.retryAfter('mary', 'a'), 0, 'not locked before the third failure');
    lockout.failed('mary', 'a');
    assert.deepEqual([lockout.retryAfter('mary', 'a'), lockout.retryAfter('mary', 'b')], [10, 0]);
    assert.equal(lockout.retryAfter('olga', 'a'), 0, 'other accounts are not touched');
    now += 10_000;
    assert.equal(lockout.retryAfter('mary', 'a'), 0);
    failThrice('a');
    assert.equal(lockout.retryAfter('mary', 'a'), 20, 'the second lock doubles');
    now += 20_000;
    failThrice('a');
    assert.equal(lockout.retryAfter('mary', 'a'), 25, 'capped');
    lockout.succeeded('mary');
    assert.equal(lockout.retryAfter('mary', 'a'), 0);
  });
});

for (const kind of DATABASE_KINDS) {
  describe(`sign-in from behind a proxy on ${kind}`, () => {
    async function rig(t: Parameters<typeof testDatabase>[0], trustProxy: boolean) {
      const test = await testDatabase(t, kind);
      if (!test) return undefined;
      const dir = await tempDir();
      const blobs = new DiskBlobStore(dir.path);
      const { ingest, buttonMap, queue } = ingestHarness(test.db, blobs);
      const app = await appHarness({ db: test.db, blobs, queue, buttonMap, ingest, http: { trustProxy } });
      await new Users(test.db).upsert({ username: 'mary', role: 'manager', password: PASSWORD });
      const signIn = (password: string, client: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: '127.0.0.1',
          headers: { authorization: '', 'x-forwarded-for': client },
          payload: { username: 'mary', password },
        });
      return {
        db: test.db,
        signIn,
        async close() {
          await app.close();
          await test.close();
          await dir.remove();
        },
      };
    }

    it('with trustProxy, locks out the guessing client only and audits the client address', async (t) => {
      const r = await rig(t, true);
      if (!r) return;
      try {
        for (let i = 0; i < 5; i++) assert.equal((await r.signIn(`wrong-guess-${i}`, '203.0.113.7')).statusCode, 401);
        const locked = await r.signIn(PASSWORD, '203.0.113.7');
        assert.equal(locked.statusCode, 429, 'the guesser does not learn the right password');
        assert.equal(locked.headers['retry-after'], '30');
        assert.match(locked.json<{ error: string }>().error, /too many wrong passwords for this account/);
        assert.equal((await r.signIn(PASSWORD, '198.51.100.2')).statusCode, 200, 'the owner elsewhere signs in');

        const entries = await new AuditLog(r.db).query({ limit: 50 });
        const byAction = (action: string) => entries.filter((e) => e.action === action).map((e) => e.ip);
        assert.deepEqual(byAction('user.login_failed'), Array(5).fill('203.0.113.7'));
        assert.deepEqual(byAction('user.login_locked'), ['203.0.113.7']);
        assert.deepEqual(byAction('user.login'), ['198.51.100.2']);
      } finally {
        await r.close();
      }
    });

    it('without trustProxy, a forwarded address is not believed', async (t) => {
      const r = await rig(t, false);
      if (!r) return;
      try {
        assert.equal((await r.signIn(PASSWORD, '198.51.100.2')).statusCode, 200);
        const entries = await new AuditLog(r.db).query({ limit: 5 });
        assert.deepEqual(
          entries.filter((e) => e.action === 'user.login').map((e) => e.ip),
          ['127.0.0.1'],
        );
      } finally {
        await r.close();
      }
    });
  });
}
