// Batch import speed as a multiple of real time: a one-hour 16 kHz recording with 20 presses cut
// into 2-minute clips, against sox decoding the same file alone.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { report } from '@earshot/test-kit/bench';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { RecordingImporter } from '../src/import/recording-importer.js';
import { DiskBlobStore } from '../src/storage/disk-blob-store.js';
import { testDatabase } from '../test/support/databases.js';
import { ingestHarness, quietLogger } from '../test/support/ingest-harness.js';
import { writeIndexRecording } from '../test/support/recordings.js';

const run = promisify(execFile);
const test = await testDatabase({ skip: () => undefined } as never, 'sqlite');
const dir = await tempDir();
try {
  if (!test) throw new Error('no database');
  const hour = 3600;
  const recording = join(dir.path, 'hour.wav');
  await writeIndexRecording(recording, hour * 16000, 16000, 1);
  const { ingest } = ingestHarness(test.db, new DiskBlobStore(join(dir.path, 'blobs')));
  const importer = new RecordingImporter({ db: test.db, ingest, preMs: 60_000, postMs: 60_000, logger: quietLogger });
  const start = new Date('2026-03-01T09:00:00Z');
  const presses = Array.from({ length: 20 }, (_, i) => ({
    at: new Date(start.getTime() + (90 + i * 175) * 1000),
    button: 1,
  }));
  let t0 = performance.now();
  await importer.import(recording, { recordingStart: start, presses }, 'dictaphone-1');
  const speed = hour / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  await run('sox', [recording, '-t', 'raw', join(dir.path, 'decoded.raw')]);
  const decodeOnly = hour / ((performance.now() - t0) / 1000);
  report('import.one-hour-20-presses', speed, 'x real time', { name: 'sox-decode-only', value: decodeOnly });
} finally {
  await dir.remove();
  await test?.close();
}
