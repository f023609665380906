import { randomUUID } from 'node:crypto';
import { createLogger } from '@earshot/shared/log';
import type { ClipMeta } from '@earshot/shared/protocol';
import { wavHeader } from '@earshot/shared/wav';
import type { Database } from '../../src/db/database.js';
import { ClipIngest } from '../../src/ingest/clip-ingest.js';
import { ButtonMap } from '../../src/questions/button-map.js';
import { TableJobQueue } from '../../src/queue/job-queue.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { StagingLimits, type StagingLimitsOptions } from '../../src/ingest/staging-limits.js';

export const quietLogger = createLogger({ name: 'test', level: 'silent' });

/** The ingest core as the server wires it, over a test database and blob store. */
export function ingestHarness(db: Database, blobs: BlobStore, limits?: StagingLimitsOptions) {
  const queue = new TableJobQueue(db);
  const buttonMap = new ButtonMap(db);
  const ingest = new ClipIngest({
    db,
    blobs,
    queue,
    buttonMap,
    maxResends: 1,
    logger: quietLogger,
    ...(limits ? { limits: new StagingLimits(db, limits) } : {}),
  });
  return { queue, buttonMap, ingest };
}

/** A device's metadata for a mono 16 kHz WAV clip of `pcm`, pressed at `pressedAt`. */
export function wavClip(
  pcm: Buffer,
  button: number,
  pressedAt: Date,
  sampleRate = 16000,
): { meta: ClipMeta; audio: Buffer } {
  const frames = pcm.length / 2;
  const durationMs = (frames / sampleRate) * 1000;
  const start = new Date(pressedAt.getTime() - durationMs / 2);
  const meta: ClipMeta = {
    clipId: randomUUID(),
    button,
    pressedAt: pressedAt.toISOString(),
    startAt: start.toISOString(),
    endAt: new Date(start.getTime() + durationMs).toISOString(),
    startFrame: 0,
    endFrame: frames,
    pressFrame: Math.floor(frames / 2),
    captureSession: 'test',
    sampleRate,
    channels: 1,
    container: 'wav',
    codec: 'pcm_s16le',
    durationMs,
    truncated: false,
    gaps: [],
    clock: { synchronized: true },
  };
  return { meta, audio: Buffer.concat([wavHeader({ sampleRate, channels: 1, bitsPerSample: 16 }, pcm.length), pcm]) };
}
