import { report, timeIt } from '@earshot/test-kit/bench';
import { RingBuffer } from '../src/audio/ring-buffer.js';

// Ingest: 20 ms chunks (what a recorder delivers) into a 150 s ring of 16 kHz mono S16.
const RATE = 16_000;
const chunk = Buffer.alloc((RATE / 50) * 2, 7);
const ring = new RingBuffer(150 * RATE, 2);
const target = Buffer.alloc(150 * RATE * 2);
const CHUNKS = 10_000;

const ingestMs = await timeIt(() => {
  for (let i = 0; i < CHUNKS; i++) ring.write(chunk);
});
const copyMs = await timeIt(() => {
  for (let i = 0, at = 0; i < CHUNKS; i++) {
    chunk.copy(target, at);
    at = (at + chunk.length) % (target.length - chunk.length);
  }
});
const bytes = CHUNKS * chunk.length;
const ingestBandwidth = bytes / ingestMs / 1000;
const copyBandwidth = bytes / copyMs / 1000;
report('ring_buffer_ingest', ingestBandwidth, 'MB/s', { name: 'buffer_copy_same_chunks', value: copyBandwidth });
report('ring_buffer_ingest_realtime', ingestBandwidth / ((RATE * 2) / 1e6), 'x realtime');

const cutMs = await timeIt(() => ring.copyOut(ring.endFrame - 120 * RATE, ring.endFrame, target));
report('cut_120s_clip', cutMs, 'ms');
