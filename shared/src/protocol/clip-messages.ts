import { type Static, Type } from '@sinclair/typebox';
import { NonNegative, Sha256, Timestamp } from './fields.js';
import { Id } from './ids.js';

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
