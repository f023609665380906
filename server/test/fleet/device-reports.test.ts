import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceReports } from '../../src/fleet/device-reports.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { quietLogger } from '../support/ingest-harness.js';

const online = Buffer.from(JSON.stringify({ state: 'online', version: '1' }));

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
});
