import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseWav } from '@earshot/shared/wav';
import { adminToken, deviceCredentials } from '@earshot/test-kit/server-cli';
import { freePort } from '@earshot/test-kit/ports';
import { BIN, type RunningProcess, startProcess, waitFor } from '@earshot/test-kit/processes';
import { indexSignal } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';

const RATE = 16_000;
/** Not a multiple of 65536, so that a wrong loop offset would show in the samples. */
const SOURCE_FRAMES = 7 * RATE + 123;
const PRE = 2;
const POST = 1;

interface ApiClip {
  id: string;
  deviceId: string;
  button: number;
  question: { id: string } | null;
  durationMs: number;
  truncated: boolean;
  audioUrl: string;
  capture: { startFrame: number; endFrame: number; pressFrame: number };
}

/**
 * The walking skeleton, through the real executables and real sockets: earshot-server with its
 * embedded broker, earshot-device playing a known signal at real-time pace, a press on the
 * device's HTTP button; the audio fetched from the server API must be, sample for sample, the
 * window of the source the clip's metadata names.
 */
describe('press to stored clip, end to end', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let server: RunningProcess;
  let device: RunningProcess;
  let api: string;
  let deviceApi: string;
  /** GET from the server API as an admin. */
  let get: (path: string) => Promise<Response>;

  before(async () => {
    dir = await tempDir();
    const [httpPort, mqttPort, devicePort] = [await freePort(), await freePort(), await freePort()];
    api = `http://127.0.0.1:${httpPort}`;
    deviceApi = `http://127.0.0.1:${devicePort}`;
    const source = join(dir.path, 'index-signal.raw');
    await writeFile(source, indexSignal(SOURCE_FRAMES));
    await writeFile(
      join(dir.path, 'server.json'),
      JSON.stringify({ dataDir: join(dir.path, 'server'), http: { port: httpPort }, mqtt: { port: mqttPort } }),
    );
    await writeFile(
      join(dir.path, 'device.json'),
      JSON.stringify({
        deviceId: 'till-1',
        stateDir: join(dir.path, 'device'),
        audio: { source: { type: 'file', path: source, loop: true }, bufferSeconds: 20 },
        // WAV: the test checks every sample of the index signal, which a lossy codec would not keep.
        clips: { preSeconds: PRE, postSeconds: POST, format: 'wav' },
        mqtt: {
          url: `mqtt://127.0.0.1:${mqttPort}`,
          ...(await deviceCredentials(join(dir.path, 'server.json'), 'till-1')),
        },
        http: { port: devicePort },
      }),
    );
    const headers = { authorization: `Bearer ${await adminToken(join(dir.path, 'server.json'))}` };
    get = (path: string) => fetch(`${api}${path}`, { headers });
    server = startProcess(process.execPath, [BIN.server, '--config', join(dir.path, 'server.json')]);
    await server.waitForLine(/earshot server started/);
    device = startProcess(process.execPath, [BIN.device, '--config', join(dir.path, 'device.json')]);
    await device.waitForLine(/connected to broker/);
  });

  after(async () => {
    await device?.stop();
    await server?.stop();
    await dir?.remove();
  });

  it('stores the exact window of the source signal and serves it as playable WAV', async () => {
    // Let the ring hold more than the pre-roll so the clip is not truncated.
    await new Promise((resolve) => setTimeout(resolve, (PRE + 0.5) * 1000));
    const pressed = await fetch(`${deviceApi}/api/v1/press`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ button: 1 }),
    });
    assert.equal(pressed.status, 202);
    const { clipId } = (await pressed.json()) as { clipId: string };
    assert.equal((await fetch(`${api}/api/v1/clips`)).status, 401, 'the API answers only those who sign in');

    const clip = await waitFor('the clip to be listed by the server', async () => {
      const page = (await (await get('/api/v1/clips')).json()) as { items: ApiClip[] };
      return page.items.find((c) => c.id === clipId);
    });
    assert.equal(clip.deviceId, 'till-1');
    assert.equal(clip.button, 1);
    assert.equal(clip.question?.id, 'nps', 'button 1 maps to the NPS question by default');
    assert.equal(clip.truncated, false);
    assert.equal(clip.durationMs, (PRE + POST) * 1000);
    const { startFrame, endFrame, pressFrame } = clip.capture;
    assert.equal(pressFrame - startFrame, PRE * RATE);
    assert.equal(endFrame - pressFrame, POST * RATE);

    const audio = await get(clip.audioUrl);
    assert.equal(audio.status, 200);
    assert.equal(audio.headers.get('content-type'), 'audio/wav');
    const wav = parseWav(Buffer.from(await audio.arrayBuffer()));
    assert.deepEqual(wav.format, { sampleRate: RATE, channels: 1, bitsPerSample: 16 });
    assert.equal(wav.data.length, (endFrame - startFrame) * 2);
    for (let k = 0; k < endFrame - startFrame; k++) {
      const expected = ((startFrame + k) % SOURCE_FRAMES) & 0xffff;
      const actual = wav.data.readUInt16LE(k * 2);
      if (actual !== expected) assert.fail(`sample ${k} of the clip is ${actual}, expected ${expected}`);
    }
  });

  it('keeps storing clips after the first: every press of a series arrives', async () => {
    const ids: string[] = [];
    for (const button of [2, 3]) {
      const pressed = await fetch(`${deviceApi}/api/v1/press`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ button }),
      });
      assert.equal(pressed.status, 202);
      ids.push(((await pressed.json()) as { clipId: string }).clipId);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const stored = await waitFor('both clips to be listed', async () => {
      const page = (await (await get('/api/v1/clips')).json()) as { items: ApiClip[] };
      const found = ids.map((id) => page.items.find((c) => c.id === id));
      return found.every((c) => c !== undefined) ? found : undefined;
    });
    assert.deepEqual(
      stored.map((c) => c?.question?.id),
      ['improve', 'complaint'],
    );
  });

  it('answers a bad press with 400 and the reason, and keeps running', async () => {
    const response = await fetch(`${deviceApi}/api/v1/press`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"button": "one"}',
    });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /\/button must be an integer from 1 to 8/);
    const status = await fetch(`${deviceApi}/api/v1/status`);
    assert.equal(status.status, 200);
  });
});
