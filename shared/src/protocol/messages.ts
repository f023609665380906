import { FormatRegistry, type Static, type TSchema, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (v) => ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));
}

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' });
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
/** A two-minute 48 kHz stereo WAV is 23 MB; nothing legitimate comes near this. */
export const MAX_CLIP_BYTES = 256 * 1024 * 1024;

export const ClipInit = Type.Composite(
  [
    ClipMeta,
    Type.Object({
      size: Type.Integer({ minimum: 1, maximum: MAX_CLIP_BYTES }),
      sha256: Sha256,
      chunkSize: Type.Integer({ minimum: 1024, maximum: MAX_CHUNK_BYTES }),
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
};
