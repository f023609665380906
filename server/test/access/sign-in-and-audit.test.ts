import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { sql } from 'kysely';
import { ApiTokens } from '../../src/access/api-tokens.js';
import { Users } from '../../src/access/users.js';
import { type Database, openDatabase } from '../../src/db/database.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { appHarness } from '../support/app-harness.js';
import { ingestHarness, wavClip } from '../support/ingest-harness.js';

describe('sign-in, sessions, tokens and the audit log', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let db: Database;
  let app: Awaited<ReturnType<typeof appHarness>>;
  let password: string;
  let clipId: string;

  before(async () => {
    dir = await tempDir();
    db = await openDatabase(`sqlite:${join(dir.path, 'earshot.db')}`);
    const blobs = new DiskBlobStore(join(dir.path, 'clips'));
    const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
    app = await appHarness({ db, blobs, queue, buttonMap, ingest });
    await app.inject({
      method: 'PUT',
      url: '/api/v1/stores/s1',
      payload: { name: 's1', timeZone: 'UTC', language: 'en' },
    });
    await app.inject({ method: 'PUT', url: '/api/v1/devices/pi-1', payload: { storeId: 's1' } });
    const clip = wavClip(indexSignal(1600), 1, new Date('2026-05-01T10:00:00Z'));
    await submitClip(ingest, 'pi-1', clip.meta, clip.audio);
    clipId = clip.meta.clipId;
    const created = await new Users(db).upsert({
      username: 'mary',
      role: 'manager',
      stores: ['s1'],
      generatePassword: true,
    });
    assert.ok(created.generatedPassword);
    password = created.generatedPassword;
  });

  after(async () => {
    await app?.close();
    await db?.destroy();
    await dir?.remove();
  });

  const anonymous = { authorization: '' };

  it('signs in with a password into an HttpOnly SameSite cookie and demands the CSRF token to change things', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: anonymous,
      payload: { username: 'mary', password: 'not-her-password' },
    });
    assert.equal(wrong.statusCode, 401);
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: anonymous,
      payload: { username: 'mary', password },
    });
    assert.equal(login.statusCode, 200);
    const cookie = login.headers['set-cookie'];
    assert.match(String(cookie), /earshot_session=[^;]+;.*HttpOnly/i);
    assert.match(String(cookie), /SameSite=Strict/i);
    const { csrfToken, user } = login.json<{ csrfToken: string; user: { role: string; stores: string[] } }>();
    assert.deepEqual([user.role, user.stores], ['manager', ['s1']]);
    const session = { authorization: '', cookie: String(cookie).split(';')[0] ?? '' };

    assert.equal((await app.inject({ url: '/api/v1/clips', headers: session })).statusCode, 200);
    const noCsrf = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: session,
      payload: { name: 'x' },
    });
    assert.equal(noCsrf.statusCode, 403);
    assert.match(noCsrf.json<{ error: string }>().error, /x-csrf-token/);
    const withCsrf = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { ...session, 'x-csrf-token': csrfToken },
      payload: { name: 'script' },
    });
    assert.equal(withCsrf.statusCode, 201);

    const logout = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...session, 'x-csrf-token': csrfToken },
    });
    assert.equal(logout.statusCode, 204);
    assert.equal((await app.inject({ url: '/api/v1/clips', headers: session })).statusCode, 401);
  });

  it('treats a stale session cookie as no session: clears it, and public routes and sign-in work', async () => {
    const signIn = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: anonymous,
        payload: { username: 'mary', password },
      });
    const cookieOf = (response: { headers: Record<string, unknown> }) =>
      String(response.headers['set-cookie']).split(';')[0] ?? '';
    const stale = { authorization: '', cookie: cookieOf(await signIn()) };
    // What a database reset or a re-run demo leaves: the browser's cookie names no session.
    await db.deleteFrom('sessions').execute();
    const cleared = /earshot_session=;.*Expires=Thu, 01 Jan 1970/i;

    const health = await app.inject({ url: '/healthz', headers: stale });
    assert.equal(health.statusCode, 200);
    assert.match(String(health.headers['set-cookie']), cleared);
    const consolePage = await app.inject({ url: '/console/', headers: stale });
    assert.equal(consolePage.statusCode, 200);
    const list = await app.inject({ url: '/api/v1/clips', headers: stale });
    assert.equal(list.statusCode, 401);
    assert.match(list.json<{ error: string }>().error, /sign in first/);
    assert.match(String(list.headers['set-cookie']), cleared);
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: stale,
      payload: { username: 'mary', password },
    });
    assert.equal(again.statusCode, 200);
    const logout = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: stale });
    assert.equal(logout.statusCode, 204);
    assert.match(String(logout.headers['set-cookie']), cleared);
  });

  it('revokes the API token that signs out with it', async () => {
    const mary = await new Users(db).byUsername('mary');
    assert.ok(mary);
    const { token } = await new ApiTokens(db).create(mary.id, 'to-sign-out', 1);
    const bearer = { authorization: `Bearer ${token}` };
    assert.equal((await app.inject({ url: '/api/v1/clips', headers: bearer })).statusCode, 200);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer })).statusCode, 204);
    assert.equal((await app.inject({ url: '/api/v1/clips', headers: bearer })).statusCode, 401);
  });

  it('limits sign-in attempts per client', async () => {
    const limited = await appHarness({ ...ingestParts() });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const response = await limited.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: anonymous,
          payload: { username: 'mary', password: 'guess-number-' + i },
        });
        statuses.push(response.statusCode);
      }
      assert.deepEqual(statuses, [401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });

  it('refuses expired and revoked tokens', async () => {
    const tokens = new ApiTokens(db, () => new Date('2020-01-01T00:00:00Z'));
    const mary = await new Users(db).byUsername('mary');
    assert.ok(mary);
    const old = await tokens.create(mary.id, 'old', 1);
    assert.equal(
      (await app.inject({ url: '/api/v1/clips', headers: { authorization: `Bearer ${old.token}` } })).statusCode,
      401,
    );
    const current = await new ApiTokens(db).create(mary.id, 'current', 1);
    const bearer = { authorization: `Bearer ${current.token}` };
    assert.equal((await app.inject({ url: '/api/v1/clips', headers: bearer })).statusCode, 200);
    assert.equal(
      (await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${current.record.id}`, headers: bearer })).statusCode,
      204,
    );
    assert.equal((await app.inject({ url: '/api/v1/clips', headers: bearer })).statusCode, 401);
  });

  it('records every listen and download with who, what, when and from where; only admins read it', async () => {
    const mary = await new Users(db).byUsername('mary');
    assert.ok(mary);
    const bearer = {
      authorization: `Bearer ${(await new ApiTokens(db).create(mary.id, 'ears', 1)).token}`,
      'user-agent': 'test-player',
    };
    assert.equal((await app.inject({ url: `/api/v1/clips/${clipId}/audio`, headers: bearer })).statusCode, 200);
    const seek = await app.inject({
      url: `/api/v1/clips/${clipId}/audio`,
      headers: { ...bearer, range: 'bytes=0-99' },
    });
    assert.equal(seek.statusCode, 206);
    assert.equal(
      (await app.inject({ url: `/api/v1/clips/${clipId}/audio`, headers: { ...bearer, range: 'bytes=100-' } }))
        .statusCode,
      206,
    );

    assert.equal((await app.inject({ url: '/api/v1/audit', headers: bearer })).statusCode, 403);
    const events = (await app.inject({ url: `/api/v1/audit?subjectId=${clipId}` })).json<{
      items: { action: string; username: string; subjectId: string; storeId: string; ip: string; userAgent: string }[];
    }>().items;
    assert.deepEqual(
      events.map((e) => [e.action, e.username, e.storeId, e.userAgent]),
      [
        ['clip.listen', 'mary', 's1', 'test-player'],
        ['clip.download', 'mary', 's1', 'test-player'],
      ],
      'a seek past the first byte is part of the same listen',
    );
    assert.ok(events.every((e) => e.ip === '127.0.0.1'));
    const failed = (await app.inject({ url: '/api/v1/audit?action=user.login_failed' })).json<{
      items: { username: string }[];
    }>();
    assert.ok(failed.items.some((e) => e.username === 'mary'));
  });

  it('keeps the audit log append-only in the database itself', async () => {
    await assert.rejects(sql`update audit_events set action = 'nothing'`.execute(db), /append-only/);
    await assert.rejects(sql`delete from audit_events`.execute(db), /append-only/);
  });

  function ingestParts() {
    const blobs = new DiskBlobStore(join(dir.path, 'clips'));
    const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
    return { db, blobs, ingest, buttonMap, queue, access: { loginAttemptsPerMinute: 3 } };
  }
});
