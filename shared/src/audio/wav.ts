/**
 * RIFF/WAVE for 16-bit linear PCM: the one uncompressed container device and server both read
 * and write. A streamed header cannot exceed 4 GiB, which is why live capture is raw and only
 * finished clips are wrapped.
 */
export interface PcmFormat {
  sampleRate: number;
  channels: number;
  /** Always 16 in Earshot (S16LE). */
  bitsPerSample: 16;
}

export const WAV_HEADER_BYTES = 44;

export function bytesPerFrame(format: PcmFormat): number {
  return format.channels * (format.bitsPerSample / 8);
}

export function wavHeader(format: PcmFormat, dataBytes: number): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  const blockAlign = bytesPerFrame(format);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(format.channels, 22);
  header.writeUInt32LE(format.sampleRate, 24);
  header.writeUInt32LE(format.sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(format.bitsPerSample, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

export interface ParsedWav {
  format: PcmFormat;
  /** A view into the input: no copy. */
  data: Buffer;
}

/** Reads a PCM WAV, walking the chunk list so that files with LIST/fact chunks (sox, flite) parse. */
export function parseWav(file: Buffer): ParsedWav {
  if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new WavFormatError('not a RIFF/WAVE file');
  }
  let format: PcmFormat | undefined;
  let offset = 12;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const audioFormat = file.readUInt16LE(body);
      const bits = file.readUInt16LE(body + 14);
      if ((audioFormat !== 1 && audioFormat !== 0xfffe) || bits !== 16) {
        throw new WavFormatError(`unsupported WAV encoding (format tag ${audioFormat}, ${bits} bits); need 16-bit PCM`);
      }
      format = { channels: file.readUInt16LE(body + 2), sampleRate: file.readUInt32LE(body + 4), bitsPerSample: 16 };
    } else if (id === 'data') {
      if (!format) throw new WavFormatError('data chunk before fmt chunk');
      // Streamed WAVs carry a placeholder size; trust the file length then.
      const end = size === 0 || size === 0xffffffff ? file.length : Math.min(file.length, body + size);
      const frame = bytesPerFrame(format);
      return { format, data: file.subarray(body, body + Math.floor((end - body) / frame) * frame) };
    }
    offset = body + size + (size % 2);
  }
  throw new WavFormatError('no data chunk');
}
