import { createHash } from 'node:crypto';
import type { ClipAck, ClipMeta } from '@earshot/shared/protocol';
import type { ClipIngest } from '../ingest/clip-ingest.js';

/**
 * Files a clip through the same protocol core a device's MQTT upload goes through (init, chunks,
 * fin), so that a clip cut on the server is checked and stored exactly like a device's.
 */
export async function submitClip(
  ingest: ClipIngest,
  deviceId: string,
  meta: ClipMeta,
  audio: Buffer,
  chunkSize = 96 * 1024,
): Promise<ClipAck> {
  const sha256 = createHash('sha256').update(audio).digest('hex');
  const init = { ...meta, size: audio.length, sha256, chunkSize };
  const refused = await ingest.init(deviceId, meta.clipId, Buffer.from(JSON.stringify(init)));
  if (refused) return refused;
  for (let offset = 0; offset < audio.length; offset += chunkSize) {
    await ingest.chunk(deviceId, meta.clipId, offset, audio.subarray(offset, offset + chunkSize));
  }
  return ingest.fin(deviceId, meta.clipId, Buffer.from(JSON.stringify({ size: audio.length, sha256 })));
}
