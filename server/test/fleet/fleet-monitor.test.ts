import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceHeartbeat } from '@earshot/shared/protocol';
import { DeviceReports } from '../../src/fleet/device-reports.js';
import { FleetMonitor } from '../../src/fleet/fleet-monitor.js';
import { TableJobQueue } from '../../src/queue/job-queue.js';
import { Webhooks } from '../../src/webhooks/webhooks.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { quietLogger } from '../support/ingest-harness.js';

const HOOK = {
  name: 'tech',
  url: 'http://127.0.0.1:9/',
  secret: 'sixteen-chars-at-least',
  events: ['device.alert.raised' as const, 'device.alert.resolved' as const],
  includeTranscript: false,
};
const thresholds = {
  offlineMinutes: 10,
  backlogHeartbeats: 3,
  backlogMinClips: 5,
  diskLowMegabytes: 1,
  clockOffsetMs: 1000,
  recorderRestarts: 3,
};

/** Reports that note which devices' heartbeats the monitor read, and can fail a read once. */
class CountingReports extends DeviceReports {
  readonly read: string[] = [];
  readonly failOnce = new Set<string>();
  override async recentHeartbeats(deviceId: string, count: number): Promise<DeviceHeartbeat[]> {
    this.read.push(deviceId);
    if (this.failOnce.delete(deviceId)) throw new Error('database unavailable (simulated)');
    return super.recentHeartbeats(deviceId, count);
  }
}

function beat(changes: Partial<DeviceHeartbeat> = {}): string {
  return JSON.stringify({
    at: '2026-03-02T09:00:00Z',
    version: '1',
    uptimeSeconds: 60,
    mic: { state: 'ok' },
    outbox: { clips: 0, bytes: 0, quotaBytes: 1e9, refused: 0, full: false },
    disk: { freeBytes: null },
    clock: { synchronized: null },
    configVersion: null,
    ...changes,
  });
}

describe('fleet monitor', () => {
  for (const kind of DATABASE_KINDS) {
    it(`${kind}: raises once (even racing another instance), resolves, emits webhooks in the same transaction, prunes history`, async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      const { db } = test;
      t.after(() => test.close());
      let now = Date.parse('2026-03-02T08:00:00Z'); // Monday, 11:00 in Moscow
      const reports = new DeviceReports({ db, logger: quietLogger, now: () => now });
      const monitor = (): FleetMonitor =>
        new FleetMonitor({
          db,
          reports,
          webhooks: new Webhooks([HOOK], new TableJobQueue(db)),
          thresholds,
          historyHours: 24,
          logger: quietLogger,
          now: () => now,
        });
      const a = monitor();
      const b = monitor();
      await db
        .insertInto('stores')
        .values({
          id: 'tver',
          name: 'Tver',
          location: null,
          time_zone: 'Europe/Moscow',
          language: 'ru-RU',
          created_at: new Date(now).toISOString(),
          opening_hours_json: JSON.stringify({ mon: [['09:00', '21:00']] }),
        })
        .execute();
      const iso = () => new Date(now).toISOString();
      await db
        .insertInto('devices')
        .values({
          id: 'pi',
          state: 'online',
          version: '1',
          state_changed_at: iso(),
          last_seen_at: iso(),
          store_id: 'tver',
          name: null,
        })
        .execute();
      const openAlerts = async () =>
        (
          await db.selectFrom('device_alerts').select('kind').where('resolved_at', 'is', null).orderBy('kind').execute()
        ).map((r) => r.kind);
      const events = async () =>
        (await db.selectFrom('jobs').select('payload_json').where('queue', '=', 'webhook').orderBy('id').execute()).map(
          (j) => {
            const job = JSON.parse(j.payload_json) as { event: string; data: { kind: string } };
            return `${job.event} ${job.data.kind}`;
          },
        );

      await reports.heartbeat('pi', Buffer.from(beat({ mic: { state: 'dead', silentSeconds: 40 } })));
      // Two instances evaluate the same heartbeat at once: the partial unique index lets one raise.
      await Promise.all([a.evaluate('pi'), b.evaluate('pi')]);
      await a.evaluate('pi');
      assert.deepEqual(await openAlerts(), ['mic-dead']);
      assert.deepEqual(await events(), ['device.alert.raised mic-dead']);

      now += 60_000;
      await reports.heartbeat(
        'pi',
        Buffer.from(beat({ buttons: [{ input: 'serial', button: 1, condition: 'stuck' }] })),
      );
      await a.evaluate('pi');
      assert.deepEqual(await openAlerts(), ['button-stuck']);
      assert.deepEqual(await events(), [
        'device.alert.raised mic-dead',
        'device.alert.raised button-stuck',
        'device.alert.resolved mic-dead',
      ]);

      // Offline at 11:01 Moscow; 11 minutes later the store is open: alert. Closed at 22:00: resolved.
      await db.updateTable('devices').set({ state: 'offline', state_changed_at: iso() }).execute();
      now += 11 * 60_000;
      await a.evaluateAll();
      assert.deepEqual(await openAlerts(), ['button-stuck', 'offline']);
      now = Date.parse('2026-03-02T19:00:00Z');
      await a.evaluateAll();
      assert.deepEqual(await openAlerts(), ['button-stuck']);
      const resolved = await db
        .selectFrom('device_alerts')
        .selectAll()
        .where('kind', '=', 'offline')
        .executeTakeFirstOrThrow();
      assert.equal(resolved.raised_at, '2026-03-02T08:12:00.000Z');
      assert.equal(resolved.resolved_at, '2026-03-02T19:00:00.000Z');

      // A day later the history is pruned; the last heartbeat (device_heartbeats) still stands.
      await reports.heartbeat(
        'pi',
        Buffer.from(beat({ buttons: [{ input: 'serial', button: 1, condition: 'stuck' }] })),
      );
      now += 25 * 3_600_000;
      await a.evaluateAll();
      assert.equal((await db.selectFrom('device_heartbeat_history').select('id').execute()).length, 0);
      await a.evaluateAll();
      assert.deepEqual(await openAlerts(), ['button-stuck']);
    });

    it(`${kind}: after its first pass the timer takes only offline, alerting and failed devices, not the healthy fleet`, async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      const { db } = test;
      t.after(() => test.close());
      const now = Date.parse('2026-03-02T08:00:00Z');
      const reports = new CountingReports({ db, logger: quietLogger, now: () => now, commitDelayMs: 0 });
      const monitor = new FleetMonitor({
        db,
        reports,
        webhooks: new Webhooks([HOOK], new TableJobQueue(db)),
        thresholds,
        historyHours: 24,
        logger: quietLogger,
        now: () => now,
      });
      const device = (id: string, state: 'online' | 'offline', since: number) => ({
        id,
        state,
        version: '1',
        state_changed_at: new Date(since).toISOString(),
        last_seen_at: new Date(since).toISOString(),
        store_id: null,
        name: null,
      });
      const healthy = Array.from({ length: 40 }, (_, i) => device(`ok-${i}`, 'online', now));
      await db
        .insertInto('devices')
        .values([...healthy, device('gone', 'offline', now - 60 * 60_000), device('deaf', 'online', now)])
        .execute();
      await reports.heartbeat('deaf', Buffer.from(beat({ mic: { state: 'dead', silentSeconds: 40 } })));
      for (const { id } of healthy) await reports.heartbeat(id, Buffer.from(beat()));
      reports.failOnce.add('ok-7');
      await monitor.evaluateAll();
      assert.equal(new Set(reports.read).size, 42, 'the first pass takes every device');
      const open = await db.selectFrom('device_alerts').select(['device_id', 'kind']).orderBy('device_id').execute();
      assert.deepEqual(open, [
        { device_id: 'deaf', kind: 'mic-dead' },
        { device_id: 'gone', kind: 'offline' },
      ]);

      reports.read.length = 0;
      await monitor.evaluateAll();
      assert.deepEqual([...reports.read].sort(), ['deaf', 'gone', 'ok-7']);
      reports.read.length = 0;
      await monitor.evaluateAll();
      assert.deepEqual([...reports.read].sort(), ['deaf', 'gone']);
    });
  }
});
