import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { parseWav } from '@earshot/shared/wav';
import { deferrer } from '@earshot/test-kit/cleanup';
import { freePort } from '@earshot/test-kit/ports';
import { BIN, type RunningProcess, startProcess, waitFor } from '@earshot/test-kit/processes';
import { indexAt, indexSignal } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';

const RATE = 16_000;
const PRE_SECONDS = 3;
const POST_SECONDS = 30;

/**
 * The real earshot-device, capturing a file at real-time pace, SIGKILLed in the middle of a
 * post-roll: after a restart the clip is in the outbox with its pre-roll and the post-roll
 * saved up to the kill, flagged interrupted. No server is needed: the outbox is checked on disk.
 */
it('finalises after a restart a clip whose post-roll was cut short by SIGKILL', async (t) => {
  const defer = deferrer(t);
  const dir = await tempDir();
  defer(() => dir.remove());
  const signal = join(dir.path, 'index.raw');
  await writeFile(signal, indexSignal(120 * RATE));
  const config = join(dir.path, 'device.json');
  await writeFile(
    config,
    JSON.stringify({
      deviceId: 'crash-test',
      stateDir: join(dir.path, 'state'),
      logLevel: 'info',
      audio: { source: { type: 'file', path: signal, loop: true, pace: 'realtime' }, bufferSeconds: 40 },
      clips: { preSeconds: PRE_SECONDS, postSeconds: POST_SECONDS, format: 'wav' },
      // Nothing listens there: clips stay in the outbox.
      mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` },
      http: { port: 0 },
    }),
  );
  const start = async (): Promise<{ device: RunningProcess; port: number }> => {
    const device = startProcess(process.execPath, [BIN.device, 'run', '--config', config]);
    defer(() => device.stop());
    const line = await device.waitForLine(/device started/);
    const port = Number(/"http":"[^"]*:(\d+)"/.exec(line)?.[1]);
    return { device, port };
  };

  const first = await start();
  await new Promise((resolve) => setTimeout(resolve, (PRE_SECONDS + 1) * 1000));
  const response = await fetch(`http://127.0.0.1:${first.port}/api/v1/press`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ button: 1 }),
  });
  assert.equal(response.status, 202);
  const { clipId } = (await response.json()) as { clipId: string };
  const saved = join(dir.path, 'state', 'recording', `${clipId}.pcm`);
  // Killed once the pre-roll and two seconds of post-roll are on disk.
  await waitFor('the post-roll on disk', async () =>
    (await stat(saved)).size >= (PRE_SECONDS + 2) * RATE * 2 ? true : undefined,
  );
  first.device.child.kill('SIGKILL');
  await first.device.exited;
  const savedFrames = (await stat(saved)).size / 2;

  const second = await start();
  const entryPath = join(dir.path, 'state', 'outbox', `${clipId}.json`);
  const entry = await waitFor(
    'the recovered clip in the outbox',
    async () =>
      JSON.parse(await readFile(entryPath, 'utf8')) as {
        meta: { interrupted?: boolean; durationMs: number; startFrame: number; endFrame: number; truncated: boolean };
        audioPath: string;
      },
  );
  await second.device.stop();
  assert.equal(entry.meta.interrupted, true);
  assert.equal(entry.meta.truncated, false, 'the whole pre-roll is there');
  assert.equal(entry.meta.endFrame - entry.meta.startFrame, savedFrames);
  assert.ok(entry.meta.durationMs < (PRE_SECONDS + POST_SECONDS) * 1000);
  const pcm = parseWav(await readFile(entry.audioPath)).data;
  assert.equal(pcm.length / 2, savedFrames);
  // Contiguous audio from the first sample to the last: the pre-roll and the saved post-roll.
  for (let i = 1; i < pcm.length / 2; i++) {
    if (indexAt(pcm, i) !== ((indexAt(pcm, i - 1) + 1) & 0xffff)) assert.fail(`discontinuity at sample ${i}`);
  }
  assert.match(second.device.output(), /unfinished clip recovered/);
});
