import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseWav } from '@earshot/shared/wav';
import { report } from '@earshot/test-kit/bench';
import { speak } from '@earshot/test-kit/speech';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { OpusEncoder } from '../src/clips/opus-encoder.js';

// A 120 s clip of speech (a flite sentence repeated) through opusenc at the default 24 kb/s.
const RATE = 16_000;
const SECONDS = 120;
const format = { sampleRate: RATE, channels: 1, bitsPerSample: 16 } as const;
const dir = await tempDir();
try {
  const wav = join(dir.path, 'speech.wav');
  await speak('Thank you for visiting. Would you recommend us to a friend? Please tell us why.', wav);
  const sentence = parseWav(await readFile(wav)).data;
  const pcm = Buffer.alloc(SECONDS * RATE * 2);
  for (let at = 0; at < pcm.length; at += sentence.length) sentence.copy(pcm, at);
  const encoder = new OpusEncoder({ bitrateKbps: 24 });

  // Whole clip at once: encoder throughput.
  const started = performance.now();
  const encoding = encoder.begin(format);
  for (let at = 0; at < pcm.length; at += 640) encoding.write(pcm.subarray(at, at + 640));
  const ogg = await encoding.finish();
  const ms = performance.now() - started;
  report('opus_encode_120s_clip', ms, 'ms');
  report('opus_encode_realtime', (SECONDS * 1000) / ms, 'x realtime');
  report('opus_clip_bitrate', (ogg.length * 8) / SECONDS / 1000, 'kbit/s');

  // As in the daemon: all but the last second fed ahead, then the last second and the end.
  const live = encoder.begin(format);
  const last = pcm.length - RATE * 2;
  live.write(pcm.subarray(0, last));
  await new Promise((resolve) => setTimeout(resolve, ms * 1.5));
  const finishing = performance.now();
  live.write(pcm.subarray(last));
  await live.finish();
  report('opus_ready_after_post_roll_end', performance.now() - finishing, 'ms');
} finally {
  await dir.remove();
}
