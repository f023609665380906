import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';

export interface DecodedFormat {
  sampleRate: number;
  channels: number;
}

export class RecordingError extends Error {
  override name = 'RecordingError';
}

/**
 * Decodes a recording (WAV, MP3, Ogg/Vorbis, FLAC through sox; Ogg/Opus through opusdec) to raw
 * S16LE at its own rate and channel count, reporting progress from 0 to 1.
 */
export async function decodeRecording(
  input: string,
  rawOutput: string,
  onProgress: (fraction: number) => void,
): Promise<DecodedFormat> {
  if (await isOpus(input)) {
    const wav = `${rawOutput}.opus.wav`;
    await tool('opusdec', ['--quiet', input, wav], () => undefined);
    input = wav;
  }
  const [rate, channels] = await Promise.all([soxi(input, '-r'), soxi(input, '-c')]);
  await tool('sox', ['-S', input, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', rawOutput], (stderr) => {
    const match = /In:\s*([\d.]+)%/.exec(stderr.slice(-200));
    if (match) onProgress(Math.min(1, Number(match[1]) / 100));
  });
  onProgress(1);
  return { sampleRate: rate, channels };
}

async function isOpus(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(64);
    await file.read(head, 0, 64, 0);
    return head.toString('latin1', 0, 4) === 'OggS' && head.includes('OpusHead');
  } finally {
    await file.close();
  }
}

async function soxi(path: string, flag: string): Promise<number> {
  let out = '';
  await tool(
    'soxi',
    [flag, path],
    () => undefined,
    (s) => (out += s),
  );
  const value = Number(out.trim());
  if (!Number.isInteger(value) || value <= 0)
    throw new RecordingError(`cannot read the format of the recording (${flag})`);
  return value;
}

function tool(
  command: string,
  args: string[],
  onStderr: (text: string) => void,
  onStdout: (text: string) => void = () => undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => onStdout(d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
      onStderr(stderr);
    });
    child.once('error', (error) => reject(new RecordingError(`${command} could not run: ${error.message}`)));
    child.once('close', (code) => {
      if (code === 0) return resolve();
      const last = stderr
        .split(/[\r\n]/)
        .filter((l) => l.trim() !== '' && !/^In:/.test(l.trim()))
        .at(-1);
      reject(new RecordingError(`${command} could not decode the recording: ${last ?? `exit ${code}`}`));
    });
  });
}
