import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseWav } from '@earshot/shared/wav';
import { freePort } from '@earshot/test-kit/ports';
import { REPO_ROOT, startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';

const run = promisify(execFile);

/** The README's demo command, as a newcomer runs it, stopped after its first stored clip. */
describe('npm run demo', () => {
  it('starts a server and a simulated device, and a pressed clip of speech becomes listenable', async () => {
    const dir = await tempDir();
    const httpPort = await freePort();
    const env = {
      DEMO_DIR: join(dir.path, 'demo'),
      DEMO_HTTP_PORT: String(httpPort),
      DEMO_MQTT_PORT: String(await freePort()),
      DEMO_DEVICE_PORT: String(await freePort()),
      DEMO_PRESSES: '1',
    };
    const demo = startProcess('npm', ['run', '--silent', 'demo'], { env, cwd: REPO_ROOT });
    const code = await demo.exited;
    assert.equal(code, 0, demo.output());
    const output = demo.output();
    assert.match(output, /Earshot demo is running/);
    const listen = /listen: .*(http:\/\/\S+\/audio)$/m.exec(output)?.[1];
    assert.ok(listen, `no clip link in the demo's output:\n${output}`);
    assert.ok(listen.startsWith(`http://127.0.0.1:${httpPort}/`));
    assert.match(output, /demo: 1 clip\(s\) stored/);

    // The demo has stopped its server; the clip stays on disk. Start the server again on the same data to listen.
    const server = startProcess(process.execPath, [
      'server/bin/earshot-server.js',
      '--config',
      join(env.DEMO_DIR, 'server.json'),
    ]);
    try {
      await server.waitForLine(/earshot server started/);
      assert.equal((await fetch(listen)).status, 401, 'audio only for those signed in');
      const token = (await readFile(join(env.DEMO_DIR, 'admin-token'), 'utf8')).trim();
      const audio = await fetch(listen, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(audio.status, 200);
      // Clips are Ogg/Opus by default: decoded with opusdec (opus-tools) to check their content.
      assert.equal(audio.headers.get('content-type'), 'audio/ogg');
      const ogg = join(dir.path, 'clip.ogg');
      await writeFile(ogg, Buffer.from(await audio.arrayBuffer()));
      await run('opusdec', ['--quiet', '--rate', '16000', ogg, join(dir.path, 'clip.wav')]);
      const wav = parseWav(await readFile(join(dir.path, 'clip.wav')));
      assert.equal(wav.data.length / 2 / wav.format.sampleRate, 16, 'pre-roll 12 s + post-roll 4 s');
      let energy = 0;
      for (let i = 0; i < wav.data.length; i += 2) energy += wav.data.readInt16LE(i) ** 2;
      const rms = Math.sqrt(energy / (wav.data.length / 2));
      assert.ok(rms > 300, `the clip should hold speech, RMS is ${rms.toFixed(0)}`);
    } finally {
      await server.stop();
      await dir.remove();
    }
  });
});
