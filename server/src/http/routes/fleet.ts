import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ConfigState, DeviceHeartbeat, Id, RemoteClipSettings, RemoteConfig } from '@earshot/shared/protocol';
import { Type } from '@sinclair/typebox';
import type { Selectable } from 'kysely';
import { inStoreScope } from '../../access/store-scope-sql.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Database } from '../../db/database.js';
import type { DeviceAlertsTable } from '../../db/schema.js';
import { mappedButtons, withLabels } from '../../fleet/button-labels.js';
import { stateSince } from '../../fleet/online-since.js';
import type { ConfigPush } from '../../fleet/config-push.js';
import type { ButtonMap } from '../../questions/button-map.js';
import type { TestPress } from '../../fleet/test-press.js';
import { DateTime, ErrorBody, IdParams, Slug } from '../schemas.js';
import { msFromHours } from '../../config/server-units.js';

/** What the fleet routes change on devices; absent (API-only tests), those routes answer 503. */
export interface FleetControl {
  configPush: ConfigPush;
  testPress: TestPress;
}

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const Alert = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  detail: Type.String(),
  raisedAt: DateTime,
  resolvedAt: Nullable(DateTime),
});

const FleetDevice = Type.Object({
  id: Id,
  name: Nullable(Type.String()),
  storeId: Nullable(Slug),
  state: Type.String(),
  /** When the state last changed: "offline since". */
  stateSince: DateTime,
  version: Nullable(Type.String()),
  heartbeat: Nullable(DeviceHeartbeat),
  heartbeatAt: Nullable(DateTime),
  lastPressAt: Nullable(DateTime),
  lastClipAt: Nullable(DateTime),
  alerts: Type.Array(Alert, { description: 'open alerts' }),
});

const DeviceDetail = Type.Composite([
  Type.Omit(FleetDevice, ['alerts']),
  Type.Object({
    alerts: Type.Array(Alert, { description: 'open and recent alerts, newest first' }),
    heartbeats: Type.Array(Type.Object({ receivedAt: DateTime, heartbeat: DeviceHeartbeat })),
    buttons: Type.Array(Type.Object({ button: Type.Integer(), questionId: Type.String(), label: Type.String() }), {
      description: 'the buttons mapped to a question now, with the labels a config push sends the device',
    }),
    config: Type.Object({
      pushed: Nullable(RemoteConfig),
      pushedAt: Nullable(DateTime),
      state: Nullable(ConfigState),
      stateAt: Nullable(DateTime),
    }),
  }),
]);

const SettingsInput = Type.Object({ clips: RemoteClipSettings }, { additionalProperties: false });

/** Fleet health for technicians: state, heartbeats, alerts; config push and test press. */
export const fleetRoutes: FastifyPluginAsyncTypebox<{
  db: Database;
  audit: AuditLog;
  fleet: FleetControl | undefined;
  buttonMap: ButtonMap;
}> = async (app, { db, audit, fleet, buttonMap }) => {
  // Each device's latest clip and press are kept on its row (migration 0020).
  const devices = (principal: Parameters<typeof inStoreScope>[1]) =>
    inStoreScope(
      db
        .selectFrom('devices')
        .leftJoin('device_heartbeats', 'device_heartbeats.device_id', 'devices.id')
        .selectAll('devices')
        .select(['device_heartbeats.heartbeat_json', 'device_heartbeats.received_at as heartbeat_at']),
      principal,
      'devices.store_id',
    );
  type Row = Awaited<ReturnType<ReturnType<typeof devices>['executeTakeFirstOrThrow']>>;
  const toDevice = (row: Row) => {
    const heartbeat = row.heartbeat_json === null ? null : (JSON.parse(row.heartbeat_json) as DeviceHeartbeat);
    return {
      id: row.id,
      name: row.name,
      storeId: row.store_id,
      state: row.state,
      stateSince: stateSince(row.state, row.state_changed_at, heartbeat, row.heartbeat_at),
      version: row.version,
      heartbeat,
      heartbeatAt: row.heartbeat_at,
      lastPressAt: heartbeat?.lastPressAt ?? row.last_press_at,
      lastClipAt: row.last_clip_at,
    };
  };

  app.get(
    '/api/v1/fleet',
    {
      config: { permission: 'devices:read' },
      schema: {
        tags: ['devices'],
        summary: 'Every device with its state, last heartbeat and open alerts',
        querystring: Type.Object({ storeId: Type.Optional(Slug) }, { additionalProperties: false }),
        response: { 200: Type.Array(FleetDevice) },
      },
    },
    async (request) => {
      let query = devices(request.principal).orderBy('devices.id');
      if (request.query.storeId) query = query.where('devices.store_id', '=', request.query.storeId);
      const rows = await query.execute();
      const open = await db.selectFrom('device_alerts').selectAll().where('resolved_at', 'is', null).execute();
      return rows.map((row) => ({
        ...toDevice(row),
        alerts: open.filter((a) => a.device_id === row.id).map(toAlert),
      }));
    },
  );

  app.get(
    '/api/v1/fleet/:id',
    {
      config: { permission: 'devices:read' },
      schema: {
        tags: ['devices'],
        summary: 'One device: state, heartbeat history, alerts, configuration',
        params: IdParams,
        querystring: Type.Object(
          { hours: Type.Number({ minimum: 0.1, maximum: 720, default: 24 }) },
          { additionalProperties: false },
        ),
        response: { 200: DeviceDetail, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const row = await devices(request.principal).where('devices.id', '=', id).executeTakeFirst();
      if (!row) return reply.code(404).send({ error: `no device ${id}` });
      const since = new Date(Date.now() - msFromHours(request.query.hours)).toISOString();
      const [history, alerts, pushed, state] = await Promise.all([
        db
          .selectFrom('device_heartbeat_history')
          .select(['received_at', 'heartbeat_json'])
          .where('device_id', '=', id)
          .where('received_at', '>=', since)
          .orderBy('received_at')
          .limit(2000)
          .execute(),
        db
          .selectFrom('device_alerts')
          .selectAll()
          .where('device_id', '=', id)
          .orderBy('raised_at', 'desc')
          .orderBy('id', 'desc')
          .limit(100)
          .execute(),
        db
          .selectFrom('device_configs')
          .selectAll()
          .where('device_id', '=', id)
          .orderBy('version', 'desc')
          .limit(1)
          .executeTakeFirst(),
        db.selectFrom('device_config_states').selectAll().where('device_id', '=', id).executeTakeFirst(),
      ]);
      return {
        ...toDevice(row),
        buttons: await mappedButtons(db, buttonMap, id),
        alerts: alerts.map(toAlert),
        heartbeats: history.map((h) => ({
          receivedAt: h.received_at,
          heartbeat: JSON.parse(h.heartbeat_json) as DeviceHeartbeat,
        })),
        config: {
          pushed: pushed ? (JSON.parse(pushed.config_json) as RemoteConfig) : null,
          pushedAt: pushed?.created_at ?? null,
          state: state ? (JSON.parse(state.state_json) as ConfigState) : null,
          stateAt: state?.received_at ?? null,
        },
      };
    },
  );

  app.put(
    '/api/v1/devices/:id/config',
    {
      config: { permission: 'devices:manage' },
      schema: {
        tags: ['devices'],
        summary: 'Push a configuration to a device (retained; the device answers applied or rejected)',
        params: IdParams,
        body: SettingsInput,
        response: { 200: RemoteConfig, 404: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const device = await inStoreScope(
        db.selectFrom('devices').select(['id', 'store_id']),
        request.principal,
        'devices.store_id',
      )
        .where('id', '=', id)
        .executeTakeFirst();
      if (!device) return reply.code(404).send({ error: `no device ${id}` });
      if (!fleet) return reply.code(503).send({ error: 'no MQTT connection to push configurations through' });
      let config;
      try {
        const settings = { clips: withLabels(request.body.clips, await mappedButtons(db, buttonMap, id)) };
        config = await fleet.configPush.push(id, settings, request.principal?.username ?? null, {
          clips: request.body.clips,
        });
      } catch (error) {
        request.log.warn({ deviceId: id, err: error }, 'configuration not pushed');
        return reply.code(503).send({ error: `configuration not pushed: ${(error as Error).message}` });
      }
      await audit.record(request, {
        action: 'device.config',
        subjectType: 'device',
        subjectId: id,
        storeId: device.store_id,
        details: { version: config.version },
      });
      return config;
    },
  );

  app.post(
    '/api/v1/devices/:id/test-press',
    {
      config: { permission: 'devices:test-press' },
      schema: {
        tags: ['devices'],
        summary: 'Press a button on the device remotely; answers with the clip it cut (audited)',
        params: IdParams,
        body: Type.Object({ button: Type.Integer({ minimum: 1, maximum: 64 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ clipId: Id, pressedAt: DateTime }),
          404: ErrorBody,
          409: ErrorBody,
          503: ErrorBody,
          504: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { button } = request.body;
      const device = await db.selectFrom('devices').select(['id', 'store_id']).where('id', '=', id).executeTakeFirst();
      if (!device) return reply.code(404).send({ error: `no device ${id}` });
      const mapped = await mappedButtons(db, buttonMap, id);
      if (!mapped.some((b) => b.button === button)) {
        const inUse = mapped.map((b) => b.button).join(', ') || 'none';
        return reply
          .code(409)
          .send({ error: `body/button: button ${button} answers no question on ${id} (mapped buttons: ${inUse})` });
      }
      if (!fleet) return reply.code(503).send({ error: 'no MQTT connection to send the press through' });
      const audited = (details: Record<string, unknown>) =>
        audit.record(request, {
          action: 'device.test-press',
          subjectType: 'device',
          subjectId: id,
          storeId: device.store_id,
          details: { button, ...details },
        });
      let response;
      try {
        response = await fleet.testPress.press(id, button);
      } catch (error) {
        await audited({ outcome: 'not sent' });
        return reply.code(503).send({ error: `press not sent: ${(error as Error).message}` });
      }
      if (!response) {
        await audited({ outcome: 'no answer' });
        return reply.code(504).send({ error: `device ${id} did not answer (offline?)` });
      }
      if (response.status === 'refused') {
        await audited({ outcome: 'refused', reason: response.reason });
        return reply.code(409).send({ error: `device refused the press: ${response.reason}` });
      }
      await audited({ outcome: 'pressed', clipId: response.clipId });
      return { clipId: response.clipId, pressedAt: response.at };
    },
  );
};

function toAlert(row: Selectable<DeviceAlertsTable>) {
  return { id: row.id, kind: row.kind, detail: row.detail, raisedAt: row.raised_at, resolvedAt: row.resolved_at };
}
