import { type Static, Type } from '@sinclair/typebox';
import { Timestamp } from './fields.js';
import { Id } from './ids.js';

const Seconds = Type.Number({ minimum: 0, maximum: 600 });

/** The clip settings of a RemoteConfig; the server's config-push API takes the same. */
export const RemoteClipSettings = Type.Object(
  {
    preSeconds: Type.Optional(Seconds),
    postSeconds: Type.Optional(Seconds),
    buttons: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
    perButton: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[1-9][0-9]?$' }),
        Type.Object(
          {
            preSeconds: Type.Optional(Seconds),
            postSeconds: Type.Optional(Seconds),
            label: Type.Optional(Type.String({ maxLength: 60 })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

/**
 * Settings a server may change on a device (retained on the device's `config` topic). Versions
 * increase; a device ignores a version it has already applied. Clip windows and the button count
 * apply at once; nothing here needs a restart.
 */
export const RemoteConfig = Type.Object(
  { version: Type.Integer({ minimum: 1 }), clips: Type.Optional(RemoteClipSettings) },
  { additionalProperties: false },
);
export type RemoteConfig = Static<typeof RemoteConfig>;

/** The device's answer to a RemoteConfig (retained, so the server sees it after a restart). */
export const ConfigState = Type.Union([
  Type.Object(
    { version: Type.Integer({ minimum: 1 }), status: Type.Literal('applied'), at: Timestamp },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      version: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
      status: Type.Literal('rejected'),
      reason: Type.String({ maxLength: 1000 }),
      /** The version still in force. */
      appliedVersion: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
      at: Timestamp,
    },
    { additionalProperties: false },
  ),
]);
export type ConfigState = Static<typeof ConfigState>;

const Transaction = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

/**
 * Credential rotation, server -> device on `request/credentials` (QoS 1, never retained: it holds
 * a password). The device stores the password, answers, and reconnects with it; the old one works
 * until then.
 */
export const CredentialsRequest = Type.Object(
  { transaction: Transaction, password: Type.String({ minLength: 16, maxLength: 256 }) },
  { additionalProperties: false },
);
export type CredentialsRequest = Static<typeof CredentialsRequest>;

/** The device's answer on `response/credentials`, with the request's transaction. */
export const CredentialsResponse = Type.Union([
  Type.Object({ transaction: Transaction, status: Type.Literal('ok') }, { additionalProperties: false }),
  Type.Object(
    { transaction: Transaction, status: Type.Literal('error'), error: Type.String({ maxLength: 1000 }) },
    { additionalProperties: false },
  ),
]);
export type CredentialsResponse = Static<typeof CredentialsResponse>;

/** A technician's test press, server -> device on `request/press`. */
export const PressRequest = Type.Object(
  { transaction: Transaction, button: Type.Integer({ minimum: 1, maximum: 64 }) },
  { additionalProperties: false },
);
export type PressRequest = Static<typeof PressRequest>;

/** The device's answer on `response/press`: the clip it cut, or why it could not. */
export const PressResponse = Type.Union([
  Type.Object(
    { transaction: Transaction, status: Type.Literal('pressed'), clipId: Id, at: Timestamp },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      transaction: Transaction,
      status: Type.Literal('refused'),
      reason: Type.String({ maxLength: 1000 }),
      at: Timestamp,
    },
    { additionalProperties: false },
  ),
]);
export type PressResponse = Static<typeof PressResponse>;
