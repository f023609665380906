import type { ClipMeta } from '@earshot/shared/protocol';
import { type PcmFormat, wavHeader } from '@earshot/shared/wav';

/**
 * One clip being encoded. Audio goes in as it arrives (the pre-roll at the press, then the
 * post-roll), so that a compressing encoder has done its work by the time the post-roll ends.
 */
export interface ClipEncoding {
  /** Interleaved S16LE, whole frames, in order. */
  write(pcm: Buffer): void;
  /** No more audio: resolves with the encoded file. */
  finish(): Promise<Buffer>;
  /** The clip is void: release whatever the encoding holds. */
  abort(): void;
}

/** Turns a clip's PCM into the bytes that travel and are stored. */
export interface ClipEncoder {
  readonly container: ClipMeta['container'];
  readonly codec: ClipMeta['codec'];
  begin(format: PcmFormat): ClipEncoding;
}

/** Uncompressed, for when bandwidth does not matter or opusenc is unavailable: it cannot fail. */
export class WavEncoder implements ClipEncoder {
  readonly container = 'wav';
  readonly codec = 'pcm_s16le';

  begin(format: PcmFormat): ClipEncoding {
    let parts: Buffer[] = [];
    let bytes = 0;
    return {
      write(pcm) {
        parts.push(pcm);
        bytes += pcm.length;
      },
      async finish() {
        return Buffer.concat([wavHeader(format, bytes), ...parts]);
      },
      abort() {
        parts = [];
      },
    };
  }
}
