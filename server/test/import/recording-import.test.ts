import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { parseWav } from '@earshot/shared/wav';
import { parsePressLog, PressLogError } from '../../src/import/press-log.js';
import { type ImportProgress, RecordingImporter } from '../../src/import/recording-importer.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { testDatabase } from '../support/databases.js';
import { registerDevice } from '../support/register-device.js';
import { ingestHarness, quietLogger } from '../support/ingest-harness.js';
import { firstIndexOf, writeIndexRecording } from '../support/recordings.js';

const START = new Date('2026-03-01T09:00:00.000Z');

describe('batch import of a long recording', () => {
  it('cuts 20 presses of a one-hour recording into 20 clips with exactly the device windows', async (t) => {
    const test = await testDatabase(t, 'sqlite');
    assert.ok(test);
    const dir = await tempDir();
    try {
      const rate = 16000;
      const frames = 3600 * rate;
      const recording = join(dir.path, 'dictaphone.wav');
      await writeIndexRecording(recording, frames, rate, 1);
      // Spread over the hour, at odd milliseconds (a log's precision), and one press at each edge.
      const offsets = [
        5,
        ...Array.from({ length: 18 }, (_, i) => Math.round(180_370 * (i + 1) + i * 143) / 1000),
        3595.5,
      ];
      const log = parsePressLog(
        JSON.stringify({
          recordingStart: START.toISOString(),
          presses: offsets.map((at, i) => ({ at, button: (i % 3) + 1 })),
        }),
      );
      const { db } = test;
      const blobs = new DiskBlobStore(join(dir.path, 'blobs'));
      const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
      await buttonMap.addVersion('default', '', {}, new Date(0));
      const progress: ImportProgress[] = [];
      const importer = new RecordingImporter({ db, ingest, preMs: 15_000, postMs: 15_000, logger: quietLogger });
      await assert.rejects(importer.import(recording, log, 'dictaphone-1'), /device dictaphone-1 is not registered/);
      await registerDevice(db, 'dictaphone-1');
      const result = await importer.import(recording, log, 'dictaphone-1', (p) => progress.push(p));

      assert.equal(result.durationMs, 3_600_000);
      assert.equal(result.clips.length, 20);
      assert.ok(result.clips.every((c) => c.status === 'complete'));
      for (const [i, clip] of result.clips.entries()) {
        const row = await db.selectFrom('clips').selectAll().where('id', '=', clip.clipId).executeTakeFirstOrThrow();
        const pressFrame = Math.round((offsets[i] as number) * rate);
        const startFrame = Math.max(0, pressFrame - 15 * rate);
        const endFrame = Math.min(frames, pressFrame + 15 * rate);
        const { data, format } = parseWav(await buffer(await blobs.read(row.storage_key)));
        assert.equal(format.channels, 1);
        assert.equal(data.length / 2, endFrame - startFrame, `clip ${i} length`);
        assert.equal(firstIndexOf(data, 1), startFrame & 0xffff, `clip ${i} starts at frame ${startFrame}`);
        assert.equal(row.source, 'import');
        assert.equal(row.button, (i % 3) + 1);
        assert.equal(row.truncated, i === 0 || i === 19 ? 1 : 0);
        assert.equal(row.pressed_at, new Date(START.getTime() + (offsets[i] as number) * 1000).toISOString());
        assert.equal(row.start_at, new Date(START.getTime() + (startFrame / rate) * 1000).toISOString());
        assert.equal(row.status, 'received');
      }
      assert.equal((await queue.counts('transcribe')).queued, 20);

      const phases = progress.map((p) => p.phase);
      assert.ok(phases.includes('decoding') && phases.includes('cutting'));
      assert.deepEqual(progress.at(-1), { phase: 'done', fraction: 1, clipsFiled: 20, clipsTotal: 20 });
      const cutting = progress.filter((p) => p.phase === 'cutting').map((p) => p.clipsFiled);
      assert.deepEqual(
        cutting,
        Array.from({ length: 20 }, (_, i) => i + 1),
      );

      const again = await importer.import(recording, log, 'dictaphone-1');
      assert.deepEqual(
        again.clips.map((c) => c.clipId),
        result.clips.map((c) => c.clipId),
      );
      const count = await db
        .selectFrom('clips')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 20, 'importing the same log again files nothing twice');
    } finally {
      await dir.remove();
      await test.close();
    }
  });

  it('keeps both channels of a call recording and reads a CSV log; skips presses outside the recording', async (t) => {
    const test = await testDatabase(t, 'sqlite');
    assert.ok(test);
    const dir = await tempDir();
    try {
      const rate = 8000;
      const recording = join(dir.path, 'call.wav');
      await writeIndexRecording(recording, 180 * rate, rate, 2);
      const log = parsePressLog(
        [
          '# exported from the PBX',
          `recording_start,${START.toISOString()}`,
          'time,button',
          '60.5,2',
          `${new Date(START.getTime() + 120_000).toISOString()},1`,
          '999,1',
        ].join('\n'),
      );
      const { db } = test;
      const blobs = new DiskBlobStore(join(dir.path, 'blobs'));
      const { ingest } = ingestHarness(db, blobs);
      const importer = new RecordingImporter({ db, ingest, preMs: 10_000, postMs: 5_000, logger: quietLogger });
      await registerDevice(db, 'pbx-1');
      const result = await importer.import(recording, log, 'pbx-1');
      assert.equal(result.channels, 2);
      assert.deepEqual(
        result.clips.map((c) => c.status),
        ['complete', 'complete', 'skipped'],
      );
      assert.equal(result.clips[2]?.reason, 'press outside the recording');
      const row = await db
        .selectFrom('clips')
        .selectAll()
        .where('id', '=', result.clips[0]?.clipId ?? '')
        .executeTakeFirstOrThrow();
      const { data, format } = parseWav(await buffer(await blobs.read(row.storage_key)));
      assert.equal(format.channels, 2);
      assert.equal(row.channels, 2);
      assert.equal(data.length / 4, 15 * rate);
      assert.equal(firstIndexOf(data, 2), (Math.round(60.5 * rate) - 10 * rate) & 0xffff);
    } finally {
      await dir.remove();
      await test.close();
    }
  });

  it('says what is wrong with a press log', () => {
    assert.throws(() => parsePressLog('time,button\n1,2'), /no recording_start row/);
    assert.throws(
      () => parsePressLog(`recording_start,${START.toISOString()}\n12,99`),
      /press log line 2: button must be 1..64, got "99"/,
    );
    assert.throws(
      () => parsePressLog('{"recordingStart":"2026-03-01 09:00","presses":[]}'),
      (e: Error) => e instanceof PressLogError && /recordingStart.*not a date and time with an offset/.test(e.message),
    );
    assert.throws(() => parsePressLog('{"recordingStart":"2026-03-01T09:00:00Z","presses":[{"at":1}]}'), /presses\/0/);
  });

  it('refuses press times no recording can have, instead of failing later (#14 item 8)', () => {
    const json = (at: string) => `{"recordingStart":"2026-03-01T09:00:00Z","presses":[{"at":${at},"button":1}]}`;
    for (const at of ['1e300', '1e309']) {
      assert.throws(
        () => parsePressLog(json(at)),
        (e: Error) => e instanceof PressLogError && /presses\/0\/at/.test(e.message),
      );
    }
    for (const [at, problem] of [
      ['"2026-02-30T10:00:00Z"', /has no day 30/],
      ['"2026-03-01T23:59:60Z"', /leap seconds/],
      ['"2026-03-01T10:00:00+99:99"', /offset 99:99/],
    ] as const) {
      assert.throws(() => parsePressLog(json(at)), problem);
    }
    assert.throws(() => parsePressLog('recording_start,2026-13-45T09:00:00Z\n1,1'), /line 1: .*month 13/);
    assert.throws(() => parsePressLog('recording_start,2026-03-01T09:00:00Z\n1e300,1'), /line 2/);
  });

  it('refuses a file that is not audio with the decoder’s reason', async (t) => {
    const test = await testDatabase(t, 'sqlite');
    assert.ok(test);
    const dir = await tempDir();
    try {
      const bogus = join(dir.path, 'notes.wav');
      await import('node:fs/promises').then((fs) => fs.writeFile(bogus, 'this is not audio'));
      const { ingest } = ingestHarness(test.db, new DiskBlobStore(dir.path));
      const importer = new RecordingImporter({ db: test.db, ingest, preMs: 1000, postMs: 1000, logger: quietLogger });
      await registerDevice(test.db, 'x');
      await assert.rejects(
        importer.import(bogus, { recordingStart: START, presses: [] }, 'x'),
        /cannot read the format|could not decode/,
      );
      assert.ok((await readFile(bogus)).length > 0);
    } finally {
      await dir.remove();
      await test.close();
    }
  });
});
