import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { ApiTokens } from '../../src/access/api-tokens.js';
import { grants, PUBLIC, type Role } from '../../src/access/roles.js';
import { Users } from '../../src/access/users.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { appHarness } from '../support/app-harness.js';
import { type Database, openDatabase } from '../../src/db/database.js';
import { ingestHarness, wavClip } from '../support/ingest-harness.js';

type App = Awaited<ReturnType<typeof appHarness>>;

/**
 * The whole route table against every role and store scope: no route answers a caller without
 * the permission it declares, and a manager of store A cannot reach store B's clips, not even
 * by their ids (out-of-scope things are "not found", never "forbidden").
 */
describe('authorisation matrix', () => {
  let db: Database;
  let dir: { path: string; remove: () => Promise<void> };
  let app: App;
  const auth: Record<Role | 'managerOfNothing', string> = {
    admin: '',
    technician: '',
    manager: '',
    managerOfNothing: '',
  };
  const clipOf: Record<'a' | 'b', string> = { a: '', b: '' };

  before(async () => {
    dir = await tempDir();
    db = await openDatabase(`sqlite:${join(dir.path, 'earshot.db')}`);
    const blobs = new DiskBlobStore(join(dir.path, 'clips'));
    const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
    app = await appHarness({ db, blobs, queue, buttonMap, ingest });
    const store = { timeZone: 'Europe/Moscow', language: 'ru-RU' };
    for (const [id, device] of [
      ['store-a', 'pi-a'],
      ['store-b', 'pi-b'],
    ] as const) {
      assert.equal(
        (await app.inject({ method: 'PUT', url: `/api/v1/stores/${id}`, payload: { name: id, ...store } })).statusCode,
        201,
      );
      assert.equal(
        (await app.inject({ method: 'PUT', url: `/api/v1/devices/${device}`, payload: { storeId: id } })).statusCode,
        200,
      );
      const clip = wavClip(indexSignal(1600), 1, new Date('2026-05-01T10:00:00Z'));
      assert.equal((await submitClip(ingest, device, clip.meta, clip.audio)).status, 'complete');
      clipOf[id === 'store-a' ? 'a' : 'b'] = clip.meta.clipId;
    }
    const users = new Users(db);
    const tokens = new ApiTokens(db);
    for (const [name, role, stores] of [
      ['admin', 'admin', []],
      ['technician', 'technician', []],
      ['manager', 'manager', ['store-a']],
      ['managerOfNothing', 'manager', []],
    ] as const) {
      const { user } = await users.upsert({ username: name.toLowerCase(), role, stores: [...stores] });
      auth[name] = `Bearer ${(await tokens.create(user.id, 'matrix', 1)).token}`;
    }
  });

  after(async () => {
    await app?.close();
    await db?.destroy();
    await dir?.remove();
  });

  /** A concrete URL for a route pattern: ids of store B's things, where the pattern has ids. */
  function urlOf(pattern: string): string {
    return pattern
      .replace('/clips/:id', `/clips/${clipOf.b}`)
      .replace('/stores/:id', '/stores/store-b')
      .replace('/devices/:id', '/devices/pi-b')
      .replace('/button-maps/:scope/:scopeId', '/button-maps/store/store-b')
      .replace(/:[a-zA-Z]+/g, 'x1');
  }

  it('lists every route with a declared permission', () => {
    assert.ok(app.routePermissions.length >= 20, `only ${app.routePermissions.length} routes`);
    for (const route of app.routePermissions) assert.ok(route.permission, `${route.method} ${route.url}`);
  });

  it('answers 401 to a caller without credentials, or with a bad token, on every non-public route', async () => {
    for (const route of app.routePermissions.filter((r) => r.permission !== PUBLIC)) {
      for (const authorization of ['', 'Bearer es_forged', 'Basic YWRtaW46YWRtaW4=']) {
        const response = await app.inject({
          method: route.method as never,
          url: urlOf(route.url),
          headers: { authorization },
        });
        assert.equal(response.statusCode, 401, `${route.method} ${route.url} with "${authorization}"`);
      }
    }
  });

  it('answers 403 to every role that lacks the permission, and lets the others through', async () => {
    for (const route of app.routePermissions) {
      const permission = route.permission;
      if (permission === PUBLIC) continue;
      for (const role of ['admin', 'technician', 'manager'] as const) {
        const response = await app.inject({
          method: route.method as never,
          url: urlOf(route.url),
          headers: { authorization: auth[role] },
        });
        const what: string = `${role} ${route.method} ${route.url} (${permission}) -> ${response.statusCode}`;
        if (grants(role, permission)) {
          assert.ok(response.statusCode !== 401 && response.statusCode !== 403, what);
        } else {
          assert.equal(response.statusCode, 403, what);
        }
      }
    }
  });

  it("hides store B's clips from a manager of store A, even by id", async () => {
    const as = (who: keyof typeof auth, url: string) => app.inject({ url, headers: { authorization: auth[who] } });
    const listed = (await as('manager', '/api/v1/clips')).json<{ items: { id: string }[] }>();
    assert.deepEqual(
      listed.items.map((c) => c.id),
      [clipOf.a],
    );
    assert.equal((await as('manager', `/api/v1/clips?storeId=store-b`)).json<{ items: unknown[] }>().items.length, 0);
    for (const suffix of ['', '/audio', '/audio-link']) {
      assert.equal((await as('manager', `/api/v1/clips/${clipOf.b}${suffix}`)).statusCode, 404, suffix);
      assert.equal((await as('manager', `/api/v1/clips/${clipOf.a}${suffix}`)).statusCode, 200, suffix);
      assert.equal((await as('managerOfNothing', `/api/v1/clips/${clipOf.a}${suffix}`)).statusCode, 404, suffix);
    }
    assert.deepEqual(
      (await as('manager', '/api/v1/stores')).json<{ id: string }[]>().map((s) => s.id),
      ['store-a'],
    );
    assert.equal((await as('manager', '/api/v1/stores/store-b')).statusCode, 404);
    assert.deepEqual(
      (await as('manager', '/api/v1/devices')).json<{ id: string }[]>().map((d) => d.id),
      ['pi-a'],
    );
    assert.equal((await as('manager', '/api/v1/nps?storeId=store-b')).statusCode, 404);
    assert.equal((await as('managerOfNothing', '/api/v1/clips')).json<{ items: unknown[] }>().items.length, 0);
    // The admin sees both.
    assert.equal((await as('admin', '/api/v1/clips')).json<{ items: unknown[] }>().items.length, 2);
  });

  it('keeps technicians away from the audio', async () => {
    const response = await app.inject({
      url: `/api/v1/clips/${clipOf.a}/audio`,
      headers: { authorization: auth.technician },
    });
    assert.equal(response.statusCode, 403);
  });
});
