import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiTokens } from '../../src/access/api-tokens.js';
import { Users } from '../../src/access/users.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';

/**
 * A token's last use is recorded to the minute: a program calling the API many times a second
 * must not commit a write with each call (#15), yet the admin still sees when it was last used.
 */
for (const kind of DATABASE_KINDS) {
  describe(`an API token's last use on ${kind}`, () => {
    it('is recorded at the first use, then again only once a minute has passed', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      try {
        let now = new Date('2026-11-29T10:00:00.000Z');
        const tokens = new ApiTokens(test.db, () => now);
        const { user } = await new Users(test.db).upsert({ username: 'integration', role: 'manager' });
        const { token, record } = await tokens.create(user.id, 'bi export', 30);
        const lastUsed = async () => (await tokens.list(user.id)).find((it) => it.id === record.id)?.lastUsedAt;
        const use = async (at: string) => {
          now = new Date(at);
          assert.deepEqual(await tokens.resolve(token), { id: record.id, userId: user.id }, `used at ${at}`);
          return lastUsed();
        };

        assert.equal(await lastUsed(), null, 'never used yet');
        assert.equal(await use('2026-11-29T10:00:05.000Z'), '2026-11-29T10:00:05.000Z', 'the first use');
        assert.equal(await use('2026-11-29T10:00:06.000Z'), '2026-11-29T10:00:05.000Z', 'a second later');
        assert.equal(await use('2026-11-29T10:01:04.999Z'), '2026-11-29T10:00:05.000Z', 'within the minute');
        assert.equal(await use('2026-11-29T10:01:05.000Z'), '2026-11-29T10:01:05.000Z', 'a minute after');
        assert.equal(await use('2026-11-29T13:00:00.000Z'), '2026-11-29T13:00:00.000Z', 'hours after');

        await tokens.revoke(record.id);
        assert.equal(await tokens.resolve(token), undefined, 'a revoked token is not resolved');
        assert.equal(await lastUsed(), '2026-11-29T13:00:00.000Z', 'nor is its use recorded');
      } finally {
        await test.close();
      }
    });
  });
}
