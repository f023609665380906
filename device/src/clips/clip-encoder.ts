import type { ClipMeta } from '@earshot/shared/protocol';
import { type PcmFormat, wavHeader } from '@earshot/shared/wav';

/** Turns a clip's PCM into the bytes that travel and are stored. */
export interface ClipEncoder {
  readonly container: ClipMeta['container'];
  readonly codec: ClipMeta['codec'];
  encode(pcm: Buffer, format: PcmFormat): Promise<Buffer>;
}

export class WavEncoder implements ClipEncoder {
  readonly container = 'wav';
  readonly codec = 'pcm_s16le';

  async encode(pcm: Buffer, format: PcmFormat): Promise<Buffer> {
    return Buffer.concat([wavHeader(format, pcm.length), pcm]);
  }
}
