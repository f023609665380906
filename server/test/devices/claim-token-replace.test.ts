import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuditLog } from '../../src/audit/audit-log.js';
import { MqttAccounts } from '../../src/devices/mqtt-accounts.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { enrolmentRig, requestId } from '../support/enrolment-rig.js';

/**
 * Who may take over an enrolled device, for how long a claim token lives, and where the broker
 * URL a device is handed comes from (issue #14, item 7).
 */
for (const kind of DATABASE_KINDS) {
  describe(`claim tokens for enrolled devices on ${kind}`, () => {
    it('re-keys an enrolled device only when the caller replaces it, and caps the claim token lifetime', async (t) => {
      const rig = await enrolmentRig(t, kind);
      if (!rig) return;
      const { app, db } = rig;
      try {
        await app.inject({ method: 'PUT', url: '/api/v1/devices/pi-5', payload: { storeId: null } });
        const claim = (payload: object) =>
          app.inject({ method: 'POST', url: '/api/v1/devices/pi-5/claim-tokens', payload });
        const tooLong = await claim({ validHours: 720 });
        assert.deepEqual(
          [tooLong.statusCode, tooLong.json()],
          [400, { error: 'body/validHours must be <= 24 (enrolment.tokenHours)' }],
        );
        const first = (await claim({})).json<{ token: string }>().token;
        const early = (await claim({})).json<{ token: string }>().token;
        const enrol = (token: string, n: number) =>
          app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { token, requestId: requestId(n) } });
        const enrolled = await enrol(first, 40);
        assert.equal(enrolled.statusCode, 200);
        const password = enrolled.json<{ mqtt: { password: string } }>().mqtt.password;
        const accounts = new MqttAccounts(db);

        // A second token made before enrolment, used after it, would take the device over.
        const takeover = await enrol(early, 41);
        assert.equal(takeover.statusCode, 409);
        assert.match(takeover.json<{ error: string }>().error, /pi-5 is enrolled already/);
        assert.equal(await accounts.authenticate('pi-5', password), 'device', 'the working device keeps its account');

        const refused = await claim({});
        assert.equal(refused.statusCode, 409);
        assert.match(refused.json<{ error: string }>().error, /send "replace": true/);
        assert.equal(await accounts.authenticate('pi-5', password), 'device');

        const replacing = await claim({ replace: true });
        assert.equal(replacing.statusCode, 201);
        assert.equal(await accounts.authenticate('pi-5', password), undefined, 'the replaced unit is revoked at once');
        const fresh = await enrol(replacing.json<{ token: string }>().token, 42);
        assert.equal(fresh.statusCode, 200);
        const replaced = (await new AuditLog(db).query({ limit: 50 }))
          .filter((e) => e.action === 'device.claim_token_create')
          .map((e) => (e.details as { replaced?: boolean }).replaced);
        assert.deepEqual(replaced.sort(), [false, false, true]);
      } finally {
        await rig.close();
      }
    });

    it('takes the broker URL from configuration, never from the Host header', async (t) => {
      for (const [host, expected] of [
        ['10.0.0.5', [200, 'mqtt://10.0.0.5:1883']],
        ['0.0.0.0', [503, 'no broker URL for devices: set enrolment.brokerUrl (the broker as devices reach it)']],
      ] as const) {
        const rig = await enrolmentRig(t, kind, 1000, {
          broker: { url: undefined, embedded: { host, port: 1883, tls: false }, root: 'earshot', caPem: undefined },
        });
        if (!rig) return;
        try {
          await rig.app.inject({ method: 'PUT', url: '/api/v1/devices/pi-6', payload: { storeId: null } });
          const { token } = (
            await rig.app.inject({ method: 'POST', url: '/api/v1/devices/pi-6/claim-tokens', payload: {} })
          ).json<{ token: string }>();
          const answer = await rig.app.inject({
            method: 'POST',
            url: '/api/v1/enrol',
            headers: { host: 'evil.example:1883' },
            payload: { token, requestId: requestId(50) },
          });
          const body = answer.json<{ mqtt?: { url: string }; error?: string }>();
          assert.deepEqual([answer.statusCode, body.mqtt?.url ?? body.error], expected);
        } finally {
          await rig.close();
        }
      }
    });
  });
}
