import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiTokens } from '../../src/access/api-tokens.js';
import { Users } from '../../src/access/users.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';

/** Button maps keep to a manager's stores like everything else: out of scope is "not found" (#14 item 12). */
for (const kind of DATABASE_KINDS) {
  describe(`button maps and store scope on ${kind}`, () => {
    it("answers 404 to a manager for another store's maps and devices, and shows their own", async (t) => {
      const api = await apiTest(t, kind);
      if (!api) return;
      try {
        const { app, db } = api;
        const put = async (url: string, payload: object) =>
          assert.ok((await app.inject({ method: 'PUT', url, payload })).statusCode < 300, url);
        const store = { timeZone: 'Europe/Moscow', language: 'ru-RU' };
        await put('/api/v1/stores/store-a', { name: 'A', ...store });
        await put('/api/v1/stores/store-b', { name: 'B', ...store });
        await put('/api/v1/devices/pi-a', { storeId: 'store-a' });
        await put('/api/v1/devices/pi-b', { storeId: 'store-b' });
        await put('/api/v1/questions/nps', { kind: 'nps', text: { en: 'Recommend us?' } });
        for (const url of ['store/store-a', 'store/store-b', 'device/pi-a', 'device/pi-b']) {
          const added = await app.inject({
            method: 'POST',
            url: `/api/v1/button-maps/${url}`,
            payload: { buttons: { '1': 'nps' } },
          });
          assert.equal(added.statusCode, 201, added.body);
        }
        const { user } = await new Users(db).upsert({ username: 'manager-a', role: 'manager', stores: ['store-a'] });
        const { token } = await new ApiTokens(db).create(user.id, 'test', 1);
        const asManager = (path: string) =>
          app.inject({ url: `/api/v1/button-maps/${path}`, headers: { authorization: `Bearer ${token}` } });

        for (const [path, error] of [
          ['store/store-b', 'no store store-b'],
          ['device/pi-b', 'no device pi-b'],
          ['device/pi-unknown', 'no device pi-unknown'],
        ] as const) {
          const response = await asManager(path);
          assert.equal(response.statusCode, 404, `${path}: ${response.body}`);
          assert.deepEqual(response.json(), { error });
        }
        for (const path of ['store/store-a', 'device/pi-a']) {
          const response = await asManager(path);
          assert.equal(response.statusCode, 200, path);
          assert.equal(response.json<unknown[]>().length, 1, path);
        }
        assert.equal((await asManager('default/all')).statusCode, 200);
        // The admin still sees every map.
        assert.equal((await app.inject({ url: '/api/v1/button-maps/device/pi-b' })).statusCode, 200);
      } finally {
        await api.close();
      }
    });
  });
}
