import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { indexSignal } from '@earshot/test-kit/signals';
import { submitClip } from '../../src/import/submit-clip.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { wavClip } from '../support/ingest-harness.js';
import { insertEarlyClip, migratingSqlite } from '../support/migrating-sqlite.js';

interface FleetDevice {
  id: string;
  lastClipAt: string | null;
  lastPressAt: string | null;
}

/**
 * The fleet list shows each device's latest clip received and latest press, kept on the device's
 * row by a trigger on clips (migration 0020) rather than looked up per device on each call.
 */
for (const kind of DATABASE_KINDS) {
  describe(`each device's latest clip on ${kind}`, () => {
    it('is the latest received and the latest pressed of its clips, a late older press included', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, ingest, app } = rig;
      try {
        for (const device of ['pi-a', 'pi-b', 'pi-idle']) {
          const response = await app.inject({
            method: 'PUT',
            url: `/api/v1/devices/${device}`,
            payload: { storeId: null },
          });
          assert.ok(response.statusCode < 300, response.body);
        }
        // pi-a's outbox delivers a press of 10:00 after one of 11:00 (it was offline meanwhile).
        for (const [device, at] of [
          ['pi-a', '2026-03-01T11:00:00Z'],
          ['pi-b', '2026-03-01T09:00:00Z'],
          ['pi-a', '2026-03-01T10:00:00Z'],
        ] as const) {
          const clip = wavClip(indexSignal(800), 1, new Date(at));
          assert.equal((await submitClip(ingest, device, clip.meta, clip.audio)).status, 'complete');
        }
        const fleet = await app.inject({ url: '/api/v1/fleet' });
        assert.equal(fleet.statusCode, 200, fleet.body);
        const shown = fleet.json<FleetDevice[]>().map((d) => [d.id, d.lastClipAt, d.lastPressAt]);
        const latest = await db
          .selectFrom('clips')
          .select(['device_id', sql<string>`max(received_at)`.as('clip'), sql<string>`max(pressed_at)`.as('press')])
          .groupBy('device_id')
          .execute();
        const expected = ['pi-a', 'pi-b', 'pi-idle'].map((id) => {
          const row = latest.find((r) => r.device_id === id);
          return [id, row?.clip ?? null, row?.press ?? null];
        });
        assert.deepEqual(shown, expected);
        assert.equal(shown[0]?.[2], '2026-03-01T11:00:00.000Z', 'the later press stays the latest');
      } finally {
        await rig.close();
      }
    });
  });
}

describe('migration 0020: devices keep their latest clip', () => {
  it("writes each device's latest clip received and press from the clips already stored", async () => {
    const { db, migrator } = migratingSqlite();
    try {
      assert.equal((await migrator.migrateTo('0019-rare-flags')).error, undefined);
      for (const id of ['pi-a', 'pi-idle']) {
        await sql`insert into devices (id, state, state_changed_at, last_seen_at)
          values (${id}, 'online', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')`.execute(db);
      }
      for (const [id, pressed, received] of [
        ['c1', '2026-03-01T11:00:00.000Z', '2026-03-01T11:01:00.000Z'],
        ['c2', '2026-03-01T10:00:00.000Z', '2026-03-01T12:00:00.000Z'],
      ] as const) {
        await insertEarlyClip(db, {
          id,
          device_id: 'pi-a',
          pressed_at: pressed,
          start_at: pressed,
          end_at: pressed,
          received_at: received,
        });
      }
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      const rows = await db
        .selectFrom('devices')
        .select(['id', 'last_clip_at', 'last_press_at'])
        .orderBy('id')
        .execute();
      assert.deepEqual(rows, [
        { id: 'pi-a', last_clip_at: '2026-03-01T12:00:00.000Z', last_press_at: '2026-03-01T11:00:00.000Z' },
        { id: 'pi-idle', last_clip_at: null, last_press_at: null },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
