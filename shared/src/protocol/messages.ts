import { FormatRegistry, type Static, type TSchema, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { Id } from './ids.js';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (v) => ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));
}

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Timestamp = Type.String({ format: 'date-time' });
const NonNegative = Type.Integer({ minimum: 0 });

/** A stretch of the clip with no captured audio (the recorder was down), filled with silence. */
export const ClipGap = Type.Object(
  {
    /** Offset from the start of the clip. */
    startMs: Type.Number({ minimum: 0 }),
    durationMs: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type ClipGap = Static<typeof ClipGap>;

/** What a device knows about a clip it cut: travels in `init` and is stored with the clip. */
export const ClipMeta = Type.Object(
  {
    clipId: Id,
    button: Type.Integer({ minimum: 1, maximum: 64 }),
    pressedAt: Timestamp,
    /** Wall-clock estimate of the first and one-past-last sample. */
    startAt: Timestamp,
    endAt: Timestamp,
    /** The same window in frames of the device's capture timeline (see captureSession). */
    startFrame: NonNegative,
    endFrame: NonNegative,
    pressFrame: NonNegative,
    /** Identifies one run of the capture timeline: frame numbers only compare within it. */
    captureSession: Id,
    sampleRate: Type.Integer({ minimum: 8000, maximum: 192000 }),
    channels: Type.Integer({ minimum: 1, maximum: 8 }),
    container: Type.Union([Type.Literal('wav'), Type.Literal('ogg')]),
    codec: Type.Union([Type.Literal('pcm_s16le'), Type.Literal('opus')]),
    durationMs: Type.Number({ minimum: 0 }),
    /** The buffer held less than the requested pre-roll (just after start, or after a gap). */
    truncated: Type.Boolean(),
    /**
     * The device stopped (crash, power cut) during the post-roll: the clip was finalised on restart
     * with the audio saved up to then, and ends before the planned end. Absent means false.
     */
    interrupted: Type.Optional(Type.Boolean()),
    gaps: Type.Array(ClipGap, { maxItems: 1000 }),
    clock: Type.Object(
      {
        synchronized: Type.Union([Type.Boolean(), Type.Null()]),
        offsetMs: Type.Optional(Type.Number()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type ClipMeta = Static<typeof ClipMeta>;

/** Hard cap on a chunk: AWS IoT Core refuses payloads over 128 KB. */
export const MAX_CHUNK_BYTES = 120 * 1024;
/** Smaller chunks would make a clip thousands of messages. */
export const MIN_CHUNK_BYTES = 1024;
export const DEFAULT_CHUNK_BYTES = 32 * 1024;
/** A two-minute 48 kHz stereo WAV is 23 MB; nothing legitimate comes near this. */
export const MAX_CLIP_BYTES = 256 * 1024 * 1024;

export const ClipInit = Type.Composite(
  [
    ClipMeta,
    Type.Object({
      size: Type.Integer({ minimum: 1, maximum: MAX_CLIP_BYTES }),
      sha256: Sha256,
      chunkSize: Type.Integer({ minimum: MIN_CHUNK_BYTES, maximum: MAX_CHUNK_BYTES }),
    }),
  ],
  { additionalProperties: false },
);
export type ClipInit = Static<typeof ClipInit>;

export const ClipFin = Type.Object(
  { size: Type.Integer({ minimum: 1, maximum: MAX_CLIP_BYTES }), sha256: Sha256 },
  { additionalProperties: false },
);
export type ClipFin = Static<typeof ClipFin>;

/** Half-open byte range [start, end). */
export const ByteRange = Type.Tuple([NonNegative, NonNegative]);

export const ClipAck = Type.Union([
  Type.Object(
    { clipId: Id, status: Type.Literal('complete'), storageKey: Type.String() },
    { additionalProperties: false },
  ),
  Type.Object(
    { clipId: Id, status: Type.Literal('incomplete'), missing: Type.Array(ByteRange, { maxItems: 10000 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { clipId: Id, status: Type.Literal('rejected'), reason: Type.String({ maxLength: 1000 }) },
    { additionalProperties: false },
  ),
  // Not now: the server holds as much unfinished staging of this device as it allows. The device
  // keeps the clip and tries again after `retryAfterSeconds`.
  Type.Object(
    {
      clipId: Id,
      status: Type.Literal('busy'),
      reason: Type.String({ maxLength: 1000 }),
      retryAfterSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
    },
    { additionalProperties: false },
  ),
]);
export type ClipAck = Static<typeof ClipAck>;

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

export class MessageError extends Error {
  override name = 'MessageError';
}

/** Parses and validates a JSON payload; the error says which field was wrong and how. */
export class MessageDecoder<S extends TSchema> {
  private readonly check: TypeCheck<S>;
  constructor(
    private readonly what: string,
    schema: S,
  ) {
    this.check = TypeCompiler.Compile(schema);
  }

  decode(payload: Buffer | string): Static<S> {
    let value: unknown;
    try {
      value = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
    } catch (error) {
      throw new MessageError(`${this.what}: malformed JSON (${(error as Error).message})`);
    }
    if (this.check.Check(value)) return value;
    const first = this.check.Errors(value).First();
    throw new MessageError(`${this.what}: ${first ? `${first.path || '/'}: ${first.message}` : 'invalid'}`);
  }
}

export const decoders = {
  clipInit: new MessageDecoder('clip init', ClipInit),
  clipFin: new MessageDecoder('clip fin', ClipFin),
  clipAck: new MessageDecoder('clip ack', ClipAck),
  deviceStatus: new MessageDecoder('device status', DeviceStatus),
  deviceHeartbeat: new MessageDecoder('device heartbeat', DeviceHeartbeat),
  remoteConfig: new MessageDecoder('remote config', RemoteConfig),
  configState: new MessageDecoder('config state', ConfigState),
  credentialsRequest: new MessageDecoder('credentials request', CredentialsRequest),
  credentialsResponse: new MessageDecoder('credentials response', CredentialsResponse),
  pressRequest: new MessageDecoder('press request', PressRequest),
  pressResponse: new MessageDecoder('press response', PressResponse),
};
