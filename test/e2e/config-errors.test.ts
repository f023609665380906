import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';

/** The executables as a technician meets them: a bad config is refused with the key, the value and exit 78. */
describe('configuration errors of the executables', () => {
  it('earshot-server names a bad environment override and exits with EX_CONFIG', async () => {
    const run = startProcess(process.execPath, [BIN.server], { env: { EARSHOT_HTTP__PORT: 'eighty' } });
    assert.equal(await run.exited, 78);
    assert.match(run.output(), /\/http\/port: Expected integer \(got "eighty"\) \[set by EARSHOT_HTTP__PORT\]/);
  });

  it('earshot-server names a button mapped to a question that does not exist', async () => {
    const dir = await tempDir();
    const file = join(dir.path, 'server.json');
    await writeFile(file, JSON.stringify({ buttonMap: { default: { '1': 'nsp' } } }));
    const run = startProcess(process.execPath, [BIN.server, '--config', file]);
    assert.equal(await run.exited, 78);
    assert.match(run.output(), /\/buttonMap\/default\/1: no question with id "nsp"/);
    await dir.remove();
  });

  it('earshot-device names each bad key of its config file', async () => {
    const dir = await tempDir();
    const file = join(dir.path, 'device.json');
    await writeFile(
      file,
      JSON.stringify({
        deviceId: 'till 1',
        audio: { sampleRate: 'fast' },
        clips: { preSeconds: 60, postSeconds: 100 },
      }),
    );
    const run = startProcess(process.execPath, [BIN.device, '--config', file]);
    assert.equal(await run.exited, 78);
    const output = run.output();
    assert.match(output, /\/deviceId: Expected string to match '.*' \(got "till 1"\)/);
    assert.match(output, /\/audio\/sampleRate: Expected integer \(got "fast"\)/);
    await dir.remove();
  });

  it('earshot-device refuses a buffer too small for the clips it must cut', async () => {
    const run = startProcess(process.execPath, [BIN.device], {
      env: { EARSHOT_DEVICE_ID: 'till-1', EARSHOT_AUDIO__BUFFER_SECONDS: '100' },
    });
    assert.equal(await run.exited, 78);
    assert.match(
      run.output(),
      /\/audio\/bufferSeconds: 100 s cannot hold the longest clip \(120 s\) plus 5 s of margin/,
    );
  });

  it('says how to use it on an unknown command', async () => {
    const run = startProcess(process.execPath, [BIN.device, 'dance'], { env: { EARSHOT_DEVICE_ID: 'till-1' } });
    assert.equal(await run.exited, 64);
    assert.match(run.output(), /unknown command "dance"[\s\S]*Usage:/);
  });

  // README's provisioning step exports these in the same shell: they name no key, so they are
  // ignored by name and their values never appear.
  it('earshot-server ignores EARSHOT_ variables that name no key and never prints their values', async () => {
    const run = startProcess(process.execPath, [BIN.server], {
      env: { EARSHOT_HTTP__PORT: 'eighty', EARSHOT_API_TOKEN: 'tok-5ecret' },
    });
    assert.equal(await run.exited, 78);
    const output = run.output();
    assert.match(output, /ignoring EARSHOT_API_TOKEN: not configuration keys/);
    assert.match(output, /\/http\/port: Expected integer/);
    assert.doesNotMatch(output, /tok-5ecret|apiToken/);
  });

  it('earshot-device ignores EARSHOT_WIFI_PSK and never prints it', async () => {
    const run = startProcess(process.execPath, [BIN.device], {
      env: { EARSHOT_DEVICE_ID: 'till-1', EARSHOT_AUDIO__BUFFER_SECONDS: '100', EARSHOT_WIFI_PSK: 'hunter22' },
    });
    assert.equal(await run.exited, 78);
    const output = run.output();
    assert.match(output, /\/audio\/bufferSeconds: 100 s cannot hold/);
    assert.doesNotMatch(output, /hunter22|wifiPsk/);
  });
});
