import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiTokens } from '../../src/access/api-tokens.js';
import { Users } from '../../src/access/users.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { openDatabase } from '../../src/db/database.js';
import { ClaimTokens } from '../../src/devices/claim-tokens.js';
import { MqttAccounts } from '../../src/devices/mqtt-accounts.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { enrolmentRig, requestId } from '../support/enrolment-rig.js';

for (const kind of DATABASE_KINDS) {
  describe(`enrolment with one-time claim tokens on ${kind}`, () => {
    it('trades a token once for MQTT credentials and the device config, and audits it', async (t) => {
      const rig = await enrolmentRig(t, kind);
      if (!rig) return;
      const { app, db } = rig;
      try {
        await app.inject({
          method: 'PUT',
          url: '/api/v1/stores/tver-1',
          payload: { name: 'Tver', timeZone: 'Europe/Moscow', language: 'ru-RU' },
        });
        await app.inject({
          method: 'PUT',
          url: '/api/v1/questions/nps',
          payload: { kind: 'nps', text: { en: 'Recommend us?' } },
        });
        assert.equal(
          (await app.inject({ method: 'PUT', url: '/api/v1/devices/pi-7', payload: { storeId: 'tver-1' } })).statusCode,
          200,
        );
        assert.equal(
          (
            await app.inject({
              method: 'POST',
              url: '/api/v1/button-maps/device/pi-7',
              payload: { buttons: { '1': 'nps', '4': 'nps' } },
            })
          ).statusCode,
          201,
        );
        const unknownDevice = await app.inject({
          method: 'POST',
          url: '/api/v1/devices/pi-0/claim-tokens',
          payload: {},
        });
        assert.equal(unknownDevice.statusCode, 404);
        assert.match(unknownDevice.json<{ error: string }>().error, /register it first/);

        const made = await app.inject({ method: 'POST', url: '/api/v1/devices/pi-7/claim-tokens', payload: {} });
        assert.equal(made.statusCode, 201);
        const { token, expiresAt } = made.json<{ token: string; expiresAt: string }>();
        assert.match(token, /^ect_[A-Za-z0-9_-]{43}$/);
        const hours = (Date.parse(expiresAt) - Date.now()) / 3_600_000;
        assert.ok(hours > 23.9 && hours <= 24, `expires in ${hours} h`);
        const stored = await db.selectFrom('claim_tokens').selectAll().execute();
        assert.equal(stored.length, 1);
        assert.notEqual(stored[0]?.token_hash, token, 'only a hash is stored');

        const enrolled = await app.inject({
          method: 'POST',
          url: '/api/v1/enrol',
          headers: { authorization: '', host: 'earshot.example:8080' },
          payload: { token, requestId: requestId(1) },
        });
        assert.equal(enrolled.statusCode, 200, enrolled.body);
        const answer = enrolled.json<{
          deviceId: string;
          mqtt: { url: string; root: string; username: string; password: string };
          clips: { buttons: number };
        }>();
        assert.equal(answer.deviceId, 'pi-7');
        assert.deepEqual(
          { ...answer.mqtt, password: undefined },
          {
            url: 'mqtt://broker.test:1883',
            root: 'earshot',
            username: 'pi-7',
            password: undefined,
          },
        );
        assert.equal(answer.clips.buttons, 4, 'the highest button of the maps in force');
        const accounts = new MqttAccounts(db);
        assert.equal(await accounts.authenticate('pi-7', answer.mqtt.password), 'device');

        // Used twice: by another request, refused; by the same request (a lost answer), a fresh password.
        const again = await app.inject({
          method: 'POST',
          url: '/api/v1/enrol',
          headers: { authorization: '' },
          payload: { token, requestId: requestId(2) },
        });
        assert.equal(again.statusCode, 409);
        assert.match(again.json<{ error: string }>().error, /already used at .*make a new one/);
        const retry = await app.inject({
          method: 'POST',
          url: '/api/v1/enrol',
          headers: { authorization: '' },
          payload: { token, requestId: requestId(1) },
        });
        assert.equal(retry.statusCode, 200);
        const retried = retry.json<{ mqtt: { password: string } }>().mqtt.password;
        assert.notEqual(retried, answer.mqtt.password);
        assert.equal(await accounts.authenticate('pi-7', retried), 'device');
        assert.equal(await accounts.authenticate('pi-7', answer.mqtt.password), undefined);

        const actions = (await new AuditLog(db).query({ limit: 50 })).map(
          (e) => `${e.action} ${e.subjectId} ${e.username}`,
        );
        assert.ok(actions.includes('device.claim_token_create pi-7 harness-admin'), actions.join('\n'));
        assert.equal(actions.filter((a) => a === 'device.enrol pi-7 device:pi-7').length, 2);
        assert.ok(actions.some((a) => a.startsWith('device.enrol_refused')));
      } finally {
        await rig.close();
      }
    });

    it('refuses a forged token, an expired one and one of a decommissioned device, each with its reason', async (t) => {
      const rig = await enrolmentRig(t, kind);
      if (!rig) return;
      const { app, db, published } = rig;
      try {
        for (const id of ['pi-1', 'pi-2']) {
          assert.equal(
            (await app.inject({ method: 'PUT', url: `/api/v1/devices/${id}`, payload: { storeId: null } })).statusCode,
            200,
          );
        }
        const enrol = (token: string) =>
          app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { token, requestId: requestId(3) } });

        const forged = await enrol('ect_forgedforgedforgedforgedforgedforgedforged1');
        assert.deepEqual(
          [forged.statusCode, forged.json()],
          [401, { error: 'unknown claim token: check it was copied whole, or make a new one' }],
        );

        const yesterday = new ClaimTokens(db, () => new Date(Date.now() - 25 * 3_600_000));
        const { token: stale } = await yesterday.create('pi-1', null, 24);
        const expired = await enrol(stale);
        assert.equal(expired.statusCode, 410);
        assert.match(expired.json<{ error: string }>().error, /^this claim token expired at .*; make a new one$/);

        const { token } = (
          await app.inject({ method: 'POST', url: '/api/v1/devices/pi-2/claim-tokens', payload: { validHours: 1 } })
        ).json<{
          token: string;
        }>();
        const gone = await app.inject({ method: 'POST', url: '/api/v1/devices/pi-2/decommission' });
        assert.equal(gone.statusCode, 200, gone.body);
        assert.deepEqual(
          published.map((p) => [p.topic, p.payload, p.retain]),
          [
            ['earshot/v1/pi-2/status', '', true],
            ['earshot/v1/pi-2/config', '', true],
            ['earshot/v1/pi-2/config/state', '', true],
          ],
        );
        const refused = await enrol(token);
        assert.equal(refused.statusCode, 403);
        assert.match(
          refused.json<{ error: string }>().error,
          /^device pi-2 was decommissioned at .*; register a new device id$/,
        );
        assert.equal(
          (await app.inject({ method: 'POST', url: '/api/v1/devices/pi-2/claim-tokens', payload: {} })).statusCode,
          409,
        );
        assert.equal((await app.inject({ method: 'POST', url: '/api/v1/devices/pi-2/decommission' })).statusCode, 409);
        const row = await db.selectFrom('devices').selectAll().where('id', '=', 'pi-2').executeTakeFirstOrThrow();
        assert.equal(row.state, 'offline');
        assert.ok(row.decommissioned_at);
      } finally {
        await rig.close();
      }
    });

    it('lets exactly one of two server instances win a token raced for at the same time', async (t) => {
      const rig = await enrolmentRig(t, kind);
      if (!rig) return;
      const secondDb = await openDatabase(rig.url);
      const second = await rig.appOver(secondDb);
      try {
        await rig.app.inject({ method: 'PUT', url: '/api/v1/devices/pi-3', payload: { storeId: null } });
        for (let round = 0; round < 5; round++) {
          // From the second round on, pi-3 is enrolled: each round replaces it.
          const { token } = (
            await rig.app.inject({
              method: 'POST',
              url: '/api/v1/devices/pi-3/claim-tokens',
              payload: { replace: round > 0 },
            })
          ).json<{
            token: string;
          }>();
          const answers: { statusCode: number; body: string }[] = await Promise.all(
            [rig.app, second].map((app, i) =>
              app.inject({
                method: 'POST',
                url: '/api/v1/enrol',
                payload: { token, requestId: requestId(10 + round * 2 + i) },
              }),
            ),
          );
          assert.deepEqual(
            answers.map((a) => a.statusCode).sort(),
            [200, 409],
            `round ${round}: ${answers.map((a) => a.body).join(' | ')}`,
          );
        }
      } finally {
        await second.close();
        await secondDb.destroy();
        await rig.close();
      }
    });
  });
}

describe('enrolment access', () => {
  it('is rate-limited per client address, and claim tokens need devices:manage', async (t) => {
    const rig = await enrolmentRig(t, 'sqlite', 3);
    if (!rig) return;
    const { app, db } = rig;
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const answer = await app.inject({
          method: 'POST',
          url: '/api/v1/enrol',
          payload: { token: 'ect_x', requestId: requestId(i) },
        });
        statuses.push(answer.statusCode);
      }
      assert.deepEqual(statuses, [401, 401, 401, 429]);
      await app.inject({ method: 'PUT', url: '/api/v1/devices/pi-9', payload: { storeId: null } });
      const users = new Users(db);
      const tokens = new ApiTokens(db);
      for (const [role, expected] of [
        ['technician', 201],
        ['manager', 403],
      ] as const) {
        const { user } = await users.upsert({ username: role, role });
        const { token } = await tokens.create(user.id, 'test', 1);
        const answer = await app.inject({
          method: 'POST',
          url: '/api/v1/devices/pi-9/claim-tokens',
          headers: { authorization: `Bearer ${token}` },
          payload: {},
        });
        assert.equal(answer.statusCode, expected, `${role}: ${answer.body}`);
      }
    } finally {
      await rig.close();
    }
  });
});
