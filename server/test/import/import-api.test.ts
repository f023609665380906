import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { waitFor } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { appHarness } from '../support/app-harness.js';
import { testDatabase } from '../support/databases.js';
import { ingestHarness } from '../support/ingest-harness.js';
import { registerDevice } from '../support/register-device.js';
import { writeIndexRecording } from '../support/recordings.js';

interface Run {
  id: string;
  state: string;
  progress: { phase: string; clipsFiled: number };
  result?: { clips: { clipId: string; status: string }[] };
  error?: string;
}

describe('batch import through the API', () => {
  it('accepts a recording and a press log as multipart, reports progress, files the clips', async (t) => {
    const test = await testDatabase(t, 'sqlite');
    assert.ok(test);
    const dir = await tempDir();
    const { db } = test;
    const blobs = new DiskBlobStore(join(dir.path, 'blobs'));
    const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
    const app = await appHarness({ db, blobs, queue, buttonMap, ingest });
    try {
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const recording = join(dir.path, 'r.wav');
      await writeIndexRecording(recording, 120 * 16000, 16000, 1);
      const audio = new Blob([await readFile(recording)], { type: 'audio/wav' });
      const presses = JSON.stringify({
        recordingStart: '2026-03-01T09:00:00Z',
        presses: [
          { at: 30, button: 1 },
          { at: '2026-03-01T09:01:30Z', button: 2 },
        ],
      });
      const headers = app.adminHeaders;
      const post = (form: FormData) => fetch(`${url}/api/v1/imports`, { method: 'POST', body: form, headers });

      const unknown = new FormData();
      unknown.append('deviceId', 'dictaphone-1');
      unknown.append('presses', presses);
      unknown.append('recording', audio, 'r.wav');
      const unregistered = await post(unknown);
      assert.equal(unregistered.status, 400);
      assert.match(
        ((await unregistered.json()) as { error: string }).error,
        /^body\/deviceId: device dictaphone-1 is not registered/,
      );
      await registerDevice(db, 'dictaphone-1');

      const form = new FormData();
      form.append('deviceId', 'dictaphone-1');
      form.append('presses', new Blob([presses], { type: 'application/json' }), 'presses.json');
      form.append('recording', audio, 'r.wav');
      const response = await post(form);
      assert.equal(response.status, 202);
      const started = (await response.json()) as Run;
      assert.equal(response.headers.get('location'), `/api/v1/imports/${started.id}`);
      const done = await waitFor('the import to finish', async () => {
        const run = (await (await fetch(`${url}/api/v1/imports/${started.id}`, { headers })).json()) as Run;
        return run.state === 'running' ? undefined : run;
      });
      assert.equal(done.state, 'done');
      assert.deepEqual(
        done.result?.clips.map((c) => c.status),
        ['complete', 'complete'],
      );
      const clips = (await (await fetch(`${url}/api/v1/clips`, { headers })).json()) as { items: { source: string }[] };
      assert.deepEqual(
        clips.items.map((c) => c.source),
        ['import', 'import'],
      );

      const noDevice = new FormData();
      noDevice.append('presses', presses);
      noDevice.append('recording', audio, 'r.wav');
      const refused = await post(noDevice);
      assert.equal(refused.status, 400);
      assert.match(((await refused.json()) as { error: string }).error, /^body\/deviceId: required/);

      const badLog = new FormData();
      badLog.append('deviceId', 'd');
      badLog.append('presses', 'time,button\n1,1');
      badLog.append('recording', audio, 'r.wav');
      const bad = await post(badLog);
      assert.equal(bad.status, 400);
      assert.match(
        ((await bad.json()) as { error: string }).error,
        /^body\/presses: press log: no recording_start row/,
      );

      // A recording no decoder reads: the run fails, saying why without the server's file paths.
      const garbage = new FormData();
      garbage.append('deviceId', 'dictaphone-1');
      garbage.append('presses', presses);
      garbage.append('recording', new Blob([Buffer.alloc(4096, 7)]), 'r.mp3');
      const started2 = (await (await post(garbage)).json()) as Run;
      const failed = await waitFor('the bad import to finish', async () => {
        const run = (await (await fetch(`${url}/api/v1/imports/${started2.id}`, { headers })).json()) as Run;
        return run.state === 'running' ? undefined : run;
      });
      assert.equal(failed.state, 'failed');
      assert.ok(failed.error !== undefined && failed.error.length > 0);
      assert.doesNotMatch(failed.error, /earshot-upload|earshot-import|\/tmp\//, failed.error);

      assert.equal(
        (await fetch(`${url}/api/v1/imports/00000000-0000-4000-8000-000000000000`, { headers })).status,
        404,
      );
    } finally {
      await app.close();
      await dir.remove();
      await test.close();
    }
  });
});
