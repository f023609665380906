import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sqliteFileOf } from '../../src/db/database.js';
import { DeviceReports } from '../../src/fleet/device-reports.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { quietLogger } from '../support/ingest-harness.js';

const online = Buffer.from(JSON.stringify({ state: 'online', version: '1' }));
const offline = Buffer.from(JSON.stringify({ state: 'offline' }));

function beat(clips: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      at: '2026-03-02T09:00:00Z',
      version: '1',
      uptimeSeconds: 60,
      mic: { state: 'ok' },
      outbox: { clips, bytes: 0, quotaBytes: 1e9, refused: 0, full: false },
      disk: { freeBytes: null },
      clock: { synchronized: null },
      configVersion: null,
    }),
  );
}

/**
 * Transactions committed to a SQLite WAL file since it was last truncated: the frames whose
 * header carries the database size, which only a transaction's last frame does.
 */
function walCommits(path: string): number {
  const wal = readFileSync(path);
  if (wal.length === 0) return 0;
  const pageSize = wal.readUInt32BE(8);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize)
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  return commits;
}

describe('device reports', () => {
  for (const kind of DATABASE_KINDS) {
    it(`${kind}: a decommissioned device stays offline when a late "online" arrives`, async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      t.after(() => test.close());
      const { db } = test;
      const reports = new DeviceReports({ db, logger: quietLogger });
      await reports.status('pi-1', online);
      await reports.status('pi-2', online);
      const at = new Date().toISOString();
      await db
        .updateTable('devices')
        .set({ decommissioned_at: at, state: 'offline', state_changed_at: at })
        .where('id', '=', 'pi-1')
        .execute();
      // The device's status published before it was cut off, handled after.
      await reports.status('pi-1', online);
      await reports.status('pi-2', Buffer.from(JSON.stringify({ state: 'offline' })));
      const states = await db.selectFrom('devices').select(['id', 'state']).orderBy('id').execute();
      assert.deepEqual(states, [
        { id: 'pi-1', state: 'offline' },
        { id: 'pi-2', state: 'offline' },
      ]);
    });
  }

  for (const kind of DATABASE_KINDS) {
    it(`${kind}: a heartbeat from a newer device is kept without the fields this server does not know; a malformed one is not kept`, async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      t.after(() => test.close());
      const { db } = test;
      const reports = new DeviceReports({ db, logger: quietLogger });
      const newer = { ...(JSON.parse(beat(2).toString()) as Record<string, unknown>), battery: { percent: 80 } };
      await reports.heartbeat('pi-new', Buffer.from(JSON.stringify(newer)));
      await reports.heartbeat('pi-bad', Buffer.from(JSON.stringify({ ...newer, mic: { state: 'loud' } })));
      const rows = await db.selectFrom('device_heartbeats').select(['device_id', 'heartbeat_json']).execute();
      assert.deepEqual(
        rows.map((r) => r.device_id),
        ['pi-new'],
      );
      const kept = JSON.parse(rows[0]!.heartbeat_json) as Record<string, unknown>;
      assert.equal('battery' in kept, false);
      assert.deepEqual(kept.outbox, { clips: 2, bytes: 0, quotaBytes: 1e9, refused: 0, full: false });
    });
  }

  it('sqlite: a fleet reporting at once is committed in one transaction, in order, each device evaluated once', async (t) => {
    const test = await testDatabase(t, 'sqlite');
    if (!test) return;
    t.after(() => test.close());
    const { db } = test;
    const sqlite = sqliteFileOf(db);
    assert.ok(sqlite);
    // Checkpoints would rewrite the WAL from its start and lose count.
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const reports = new DeviceReports({ db, logger: quietLogger });
    const evaluated: string[] = [];
    reports.listen((deviceId) => evaluated.push(deviceId));
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      writes.push(reports.status(`pi-${i}`, online), reports.heartbeat(`pi-${i}`, beat(1)));
      writes.push(reports.heartbeat(`pi-${i}`, beat(2)));
    }
    writes.push(reports.status('pi-0', offline));
    await Promise.all(writes);
    assert.equal(walCommits(`${test.url.slice('sqlite:'.length)}-wal`), 1);
    const history = await db.selectFrom('device_heartbeat_history').select('id').execute();
    assert.equal(history.length, 200);
    const latest = await db
      .selectFrom('device_heartbeats')
      .select('heartbeat_json')
      .where('device_id', '=', 'pi-5')
      .executeTakeFirstOrThrow();
    assert.equal((JSON.parse(latest.heartbeat_json) as { outbox: { clips: number } }).outbox.clips, 2);
    const states = await db
      .selectFrom('devices')
      .select(['id', 'state'])
      .where('id', 'in', ['pi-0', 'pi-1'])
      .orderBy('id')
      .execute();
    assert.deepEqual(states, [
      { id: 'pi-0', state: 'offline' },
      { id: 'pi-1', state: 'online' },
    ]);
    assert.equal(evaluated.length, 100);
    assert.equal(new Set(evaluated).size, 100);
  });
});
