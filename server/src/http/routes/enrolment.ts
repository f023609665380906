import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Id } from '@earshot/shared/protocol';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Database } from '../../db/database.js';
import { ClaimError, type ClaimRefusal, ClaimTokens } from '../../devices/claim-tokens.js';
import { CredentialRotation, RotationError } from '../../devices/credential-rotation.js';
import { DecommissionError, Decommissioning } from '../../devices/decommissioning.js';
import { type DeviceLink, DeviceLinkError } from '../../devices/device-link.js';
import { type BrokerForDevices, BrokerUrlError, Enrolment } from '../../devices/enrolment.js';
import { AccountError, MqttAccounts } from '../../devices/mqtt-accounts.js';
import type { ButtonMap } from '../../questions/button-map.js';
import { DateTime, ErrorBody, IdParams } from '../schemas.js';

export interface EnrolmentRoutesOptions {
  db: Database;
  buttonMap: ButtonMap;
  audit: AuditLog;
  link: DeviceLink;
  broker: BrokerForDevices;
  /** Closes a device's live connection on the embedded broker; absent with an external broker. */
  disconnect: ((deviceId: string) => void) | undefined;
  /** A claim token's lifetime, and the longest a caller may ask for. */
  tokenHours: number;
  attemptsPerMinute: number;
  rotationTimeoutMs: number;
  /** External broker: the old password is retired when the device confirms the new one. */
  retireOnAnswer: boolean;
}

const REFUSAL_STATUS: Record<ClaimRefusal, 401 | 403 | 409 | 410> = {
  unknown: 401,
  decommissioned: 403,
  used: 409,
  enrolled: 409,
  expired: 410,
};

const EnrolmentAnswer = Type.Object({
  deviceId: Id,
  mqtt: Type.Object({
    url: Type.String(),
    root: Type.String(),
    username: Type.String(),
    password: Type.String(),
    caPem: Type.Optional(Type.String()),
  }),
  clips: Type.Object({ buttons: Type.Integer() }),
});

/**
 * Enrolment and the life of a device's credentials: a technician makes a one-time claim token,
 * the device trades it for its MQTT account and configuration, credentials are rotated over MQTT,
 * and a device is decommissioned. Every step is audited.
 */
export const enrolmentRoutes: FastifyPluginAsyncTypebox<EnrolmentRoutesOptions> = async (app, options) => {
  const { db, audit } = options;
  const tokens = new ClaimTokens(db);
  const enrolment = new Enrolment(db, options.buttonMap, options.broker);
  const rotation = new CredentialRotation(new MqttAccounts(db), options.link, {
    timeoutMs: options.rotationTimeoutMs,
    retireOnAnswer: options.retireOnAnswer,
  });
  const decommissioning = new Decommissioning(db, options.link, options.disconnect);
  const accounts = new MqttAccounts(db);
  await app.register(rateLimit, { global: false });

  const deviceRow = (id: string) =>
    db.selectFrom('devices').select(['id', 'store_id', 'decommissioned_at']).where('id', '=', id).executeTakeFirst();

  app.post(
    '/api/v1/devices/:id/claim-tokens',
    {
      config: { permission: 'devices:manage' },
      schema: {
        tags: ['devices'],
        summary: 'A one-time token the device trades for its credentials at enrolment (first-boot files)',
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            {
              validHours: Type.Optional(
                Type.Number({ minimum: 0.01, description: 'at most enrolment.tokenHours (the default)' }),
              ),
              replace: Type.Optional(
                Type.Boolean({
                  description:
                    'the device is enrolled already and is being replaced: its current credentials are revoked now',
                }),
              ),
            },
            { additionalProperties: false },
          ),
        ),
        response: {
          201: Type.Object({ deviceId: Id, token: Type.String(), expiresAt: DateTime }),
          400: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const device = await deviceRow(id);
      if (!device)
        return reply.code(404).send({ error: `no device ${id}: register it first (PUT /api/v1/devices/${id})` });
      if (device.decommissioned_at) {
        return reply.code(409).send({ error: `device ${id} was decommissioned at ${device.decommissioned_at}` });
      }
      const hours = request.body?.validHours ?? options.tokenHours;
      if (hours > options.tokenHours) {
        return reply
          .code(400)
          .send({ error: `body/validHours must be <= ${options.tokenHours} (enrolment.tokenHours)` });
      }
      const replace = request.body?.replace === true;
      const enrolled = await accounts.live(id);
      if (enrolled && !replace) {
        return reply.code(409).send({
          error: `device ${id} is enrolled already; send "replace": true to replace it (its current credentials are revoked)`,
        });
      }
      if (enrolled) {
        // Replacing: the old unit must not keep delivering, nor fight the new one for its client id.
        await accounts.revoke(id);
        options.disconnect?.(id);
      }
      const { token, expiresAt } = await tokens.create(id, request.principal?.userId ?? null, hours);
      await audit.record(request, {
        action: 'device.claim_token_create',
        subjectType: 'device',
        subjectId: id,
        storeId: device.store_id,
        details: { expiresAt, replaced: enrolled },
      });
      return reply.code(201).send({ deviceId: id, token, expiresAt });
    },
  );

  app.post(
    '/api/v1/enrol',
    {
      // The claim token is the credential; the route is public so a device without an account can call it.
      config: { permission: 'public', rateLimit: { max: options.attemptsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['devices'],
        summary: 'A device trades its one-time claim token for its MQTT credentials and configuration',
        body: Type.Object(
          {
            token: Type.String({ minLength: 1, maxLength: 200 }),
            requestId: Type.String({
              pattern: '^[A-Za-z0-9_-]{16,64}$',
              description: '16 to 64 letters, digits, _ or -, made once by the device and sent again on a retry',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: EnrolmentAnswer,
          401: ErrorBody,
          403: ErrorBody,
          409: ErrorBody,
          410: ErrorBody,
          429: ErrorBody,
          503: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      try {
        const { retry, ...answer } = await enrolment.enrol(request.body.token, request.body.requestId);
        await audit.record(
          request,
          {
            action: 'device.enrol',
            subjectType: 'device',
            subjectId: answer.deviceId,
            storeId: (await deviceRow(answer.deviceId))?.store_id ?? null,
            details: { retry, brokerUrl: answer.mqtt.url },
          },
          `device:${answer.deviceId}`,
        );
        return answer;
      } catch (error) {
        if (error instanceof BrokerUrlError) return reply.code(503).send({ error: error.message });
        if (!(error instanceof ClaimError)) throw error;
        await audit.record(request, { action: 'device.enrol_refused', details: { refusal: error.refusal } });
        return reply.code(REFUSAL_STATUS[error.refusal]).send({ error: error.message });
      }
    },
  );

  app.post(
    '/api/v1/devices/:id/credentials/rotate',
    {
      config: { permission: 'devices:manage' },
      schema: {
        tags: ['devices'],
        summary: 'Send the device a new MQTT password over MQTT; the old one works until it is used',
        params: IdParams,
        response: {
          200: Type.Object({ deviceId: Id, stored: Type.Literal(true), oldPasswordRetired: Type.Boolean() }),
          404: ErrorBody,
          409: ErrorBody,
          502: ErrorBody,
          503: ErrorBody,
          504: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const device = await deviceRow(id);
      if (!device) return reply.code(404).send({ error: `no device ${id}` });
      if (device.decommissioned_at) return reply.code(409).send({ error: `device ${id} is decommissioned` });
      const audited = (outcome: string) =>
        audit.record(request, {
          action: 'device.credentials_rotate',
          subjectType: 'device',
          subjectId: id,
          storeId: device.store_id,
          details: { outcome },
        });
      try {
        const { retired } = await rotation.rotate(id);
        await audited('stored');
        return { deviceId: id, stored: true as const, oldPasswordRetired: retired };
      } catch (error) {
        const status =
          error instanceof AccountError
            ? 409
            : error instanceof RotationError
              ? 502
              : error instanceof DeviceLinkError
                ? error.reason === 'timeout'
                  ? 504
                  : 503
                : undefined;
        if (status === undefined) throw error;
        await audited(`failed: ${(error as Error).message}`);
        return reply.code(status).send({ error: `${(error as Error).message}; the current password still works` });
      }
    },
  );

  app.post(
    '/api/v1/devices/:id/decommission',
    {
      config: { permission: 'devices:decommission' },
      schema: {
        tags: ['devices'],
        summary: 'Take a device out of service: credentials revoked, retained topics emptied, clips kept',
        params: IdParams,
        response: {
          200: Type.Object({ deviceId: Id, decommissionedAt: DateTime, credentialsRevoked: Type.Boolean() }),
          404: ErrorBody,
          409: ErrorBody,
          503: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const storeId = (await deviceRow(id))?.store_id ?? null;
      try {
        const { at, credentialsRevoked } = await decommissioning.decommission(id);
        await audit.record(request, {
          action: 'device.decommission',
          subjectType: 'device',
          subjectId: id,
          storeId,
          details: { credentialsRevoked },
        });
        return { deviceId: id, decommissionedAt: at, credentialsRevoked };
      } catch (error) {
        if (error instanceof DecommissionError) {
          return reply.code(error.reason === 'unknown' ? 404 : 409).send({ error: error.message });
        }
        if (error instanceof DeviceLinkError) {
          // Marked and revoked already: only the retained topics are left behind.
          await audit.record(request, {
            action: 'device.decommission',
            subjectType: 'device',
            subjectId: id,
            storeId,
            details: { retainedCleared: false },
          });
          return reply.code(503).send({
            error: `device ${id} is decommissioned and its credentials revoked, but its retained topics were not emptied: ${error.message}`,
          });
        }
        throw error;
      }
    },
  );
};
