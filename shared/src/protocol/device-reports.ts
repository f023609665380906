import { type Static, Type } from '@sinclair/typebox';
import { NonNegative, Timestamp } from './fields.js';

export const DeviceStatus = Type.Object(
  {
    state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    at: Type.Optional(Timestamp),
    version: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type DeviceStatus = Static<typeof DeviceStatus>;

/** Periodic proof of life with what a technician needs to see from afar. */
export const DeviceHeartbeat = Type.Object(
  {
    at: Timestamp,
    version: Type.String({ maxLength: 64 }),
    uptimeSeconds: Type.Number({ minimum: 0 }),
    /** The microphone as the capture hears it (see the device's mic health); `unknown` from a sender without one. */
    mic: Type.Object(
      {
        state: Type.Union([
          Type.Literal('ok'),
          Type.Literal('dead'),
          Type.Literal('no-audio'),
          Type.Literal('unknown'),
        ]),
        bufferedSeconds: Type.Optional(Type.Number({ minimum: 0 })),
        rmsDbfs: Type.Optional(Type.Number()),
        clippedRatio: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
        silentSeconds: Type.Optional(Type.Number({ minimum: 0 })),
        recorderRestarts: Type.Optional(NonNegative),
      },
      { additionalProperties: false },
    ),
    outbox: Type.Object(
      {
        clips: NonNegative,
        bytes: NonNegative,
        quotaBytes: NonNegative,
        /** Clips refused because the quota was reached, since the device started. */
        refused: NonNegative,
        full: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    disk: Type.Object({ freeBytes: Type.Union([NonNegative, Type.Null()]) }, { additionalProperties: false }),
    clock: Type.Object(
      {
        synchronized: Type.Union([Type.Boolean(), Type.Null()]),
        /** How far the system clock is off NTP time (chrony), when known. */
        offsetMs: Type.Optional(Type.Number()),
      },
      { additionalProperties: false },
    ),
    configVersion: Type.Union([NonNegative, Type.Null()]),
    /** Buttons the gesture logic reports as faulty right now; absent from older devices. */
    buttons: Type.Optional(
      Type.Array(
        Type.Object(
          {
            input: Type.String({ maxLength: 64 }),
            button: Type.Integer({ minimum: 1, maximum: 64 }),
            condition: Type.Union([Type.Literal('stuck'), Type.Literal('chattering'), Type.Literal('rate-limited')]),
          },
          { additionalProperties: false },
        ),
        { maxItems: 64 },
      ),
    ),
    /** Presses refused (no audio to cut a clip from) since the process started; absent from older devices. */
    pressesRefused: Type.Optional(NonNegative),
    /** The last press this process accepted; absent from older devices, null before the first. */
    lastPressAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
    /**
     * The clip settings in force (local configuration with any remote one over it), so that a
     * technician edits what the device does rather than an empty form; absent from older devices.
     */
    clips: Type.Optional(
      Type.Object(
        {
          preSeconds: Type.Number({ minimum: 0 }),
          postSeconds: Type.Number({ minimum: 0 }),
          buttons: Type.Integer({ minimum: 1, maximum: 64 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type DeviceHeartbeat = Static<typeof DeviceHeartbeat>;
