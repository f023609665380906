import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '@earshot/test-kit/processes';
import SQLite from 'better-sqlite3';
import { connect } from 'mqtt';
import { BROKERS, topics, TransferRig } from '../support/transfer-rig.js';

describe('availability and remote configuration', () => {
  for (const kind of BROKERS) {
    it(`${kind}: heartbeats and status are recorded; a config is applied or rejected with a reason`, async (t) => {
      const rig = await TransferRig.create(t, kind);
      if (!rig) return;
      await rig.prepare(['dev-h'], ['a', 'admin']);
      await rig.startServer();
      const applied: unknown[] = [];
      const device = await rig.device('dev-h', {
        heartbeatMs: 200,
        applyConfig: async (config) => {
          if ((config.clips?.buttons ?? 1) > 8) throw new Error('/clips/buttons: this device has 8 at most');
          applied.push(config);
        },
      });
      device.start();
      const db = new SQLite(rig.dbUrl.slice('sqlite:'.length), { readonly: true });
      t.after(() => db.close());
      const row = <T>(sql: string) => waitFor(sql, async () => db.prepare(sql).get() as T | undefined);

      const status = await row<{ state: string }>(`select state from devices where id = 'dev-h' and state = 'online'`);
      assert.equal(status.state, 'online');
      const beat = await row<{ heartbeat_json: string }>(`select heartbeat_json from device_heartbeats`);
      const heartbeat = JSON.parse(beat.heartbeat_json) as { outbox: { clips: number }; version: string };
      assert.equal(heartbeat.version, 'test');
      assert.equal(heartbeat.outbox.clips, 0);

      // An operator (a server account; aedes: the same) publishes retained configs.
      const admin = connect(rig.mqttUrl, {
        username: 'server-admin',
        password: rig.password('server-admin'),
        reconnectPeriod: 0,
        protocolVersion: 4,
      });
      t.after(() => admin.end(true));
      await new Promise((resolve, reject) => admin.once('connect', resolve).once('error', reject));
      const config = { version: 2, clips: { preSeconds: 30, buttons: 4 } };
      await admin.publishAsync(topics.config('dev-h'), JSON.stringify(config), { qos: 1, retain: true });
      const ok = await row<{ state_json: string }>(
        `select state_json from device_config_states where state_json like '%"applied"%'`,
      );
      assert.equal((JSON.parse(ok.state_json) as { version: number }).version, 2);
      assert.deepEqual(applied, [config]);

      await admin.publishAsync(topics.config('dev-h'), JSON.stringify({ version: 3, clips: { buttons: 12 } }), {
        qos: 1,
        retain: true,
      });
      const refused = await row<{ state_json: string }>(
        `select state_json from device_config_states where state_json like '%"rejected"%'`,
      );
      assert.deepEqual(JSON.parse(refused.state_json), {
        ...JSON.parse(refused.state_json),
        version: 3,
        status: 'rejected',
        reason: '/clips/buttons: this device has 8 at most',
        appliedVersion: 2,
      });
      assert.equal(device.uplink.configVersion, 2, 'the old configuration stays in force');

      await admin.publishAsync(topics.config('dev-h'), '{"version": "x"}', { qos: 1, retain: true });
      await waitFor('malformed config reported', async () =>
        device.log.has(/remote config: \/version/) ? true : undefined,
      );

      // A clean stop leaves the retained status "offline" (a crash does the same through the Last Will).
      await device.uplink.stop();
      await row(`select state from devices where id = 'dev-h' and state = 'offline'`);
    });
  }
});
