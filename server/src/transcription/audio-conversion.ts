import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EngineError, type ClipAudio } from './transcript.js';

const run = promisify(execFile);

/**
 * Runs `fn` with the clip decoded to a 16 kHz mono S16 WAV file (what pocketsphinx and
 * LINEAR16_PCM want): Ogg/Opus through opusdec, then sox mixes the channels and resamples.
 */
export async function withMono16kWav<T>(audio: ClipAudio, fn: (wavPath: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-stt-'));
  try {
    let source = join(dir, `clip.${audio.container}`);
    await writeFile(source, audio.data);
    if (audio.container === 'ogg') {
      const decoded = join(dir, 'decoded.wav');
      await tool('opusdec', ['--quiet', '--rate', '48000', source, decoded]);
      source = decoded;
    }
    const wav = join(dir, 'mono16k.wav');
    await tool('sox', [source, '-r', '16000', '-c', '1', '-b', '16', '-e', 'signed-integer', wav]);
    return await fn(wav);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function mono16kWav(audio: ClipAudio): Promise<Buffer> {
  return withMono16kWav(audio, (path) => readFile(path));
}

async function tool(command: string, args: string[]): Promise<void> {
  try {
    await run(command, args, { maxBuffer: 1024 * 1024 });
  } catch (error) {
    const stderr = ((error as { stderr?: string }).stderr ?? '').trim();
    throw new EngineError(`${command} could not convert the audio: ${stderr || (error as Error).message}`);
  }
}
