// pocketsphinx real-time factor (processing time / audio duration) on flite speech, against sox
// alone converting the same audio (the floor every local transcription pays).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { report } from '@earshot/test-kit/bench';
import { speak } from '@earshot/test-kit/speech';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { parseWav } from '@earshot/shared/wav';
import { PocketsphinxEngine } from '../src/transcription/pocketsphinx-engine.js';

const run = promisify(execFile);
const dir = await tempDir();
try {
  const wav = join(dir.path, 'answer.wav');
  await speak(
    'I would give you a nine. The staff were friendly and the queue was short. ' +
      'Next time I would like more fresh bread in the morning. Ten out of ten for the coffee.',
    wav,
  );
  const data = await readFile(wav);
  const durationS = parseWav(data).data.length / 2 / 16000;
  const engine = new PocketsphinxEngine({ command: 'pocketsphinx_continuous', args: [], timeoutMs: 600_000 });
  const audio = {
    data,
    container: 'wav' as const,
    codec: 'pcm_s16le' as const,
    sampleRate: 16000,
    channels: 1,
    durationMs: durationS * 1000,
  };
  let start = performance.now();
  await engine.transcribe(audio, 'en-US');
  const rtf = (performance.now() - start) / 1000 / durationS;
  start = performance.now();
  await run('sox', [wav, '-r', '16000', '-c', '1', join(dir.path, 'copy.wav')]);
  const soxRtf = (performance.now() - start) / 1000 / durationS;
  report('stt.pocketsphinx.real-time-factor', rtf, 'x (lower is faster)', { name: 'sox-convert', value: soxRtf });
} finally {
  await dir.remove();
}
