import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { registerDevice } from '../support/register-device.js';
import { openDatabase } from '../../src/db/database.js';
import type { ImportResult } from '../../src/import/recording-importer.js';

const run = promisify(execFile);

describe('earshot-server import (CLI)', () => {
  it('files the presses of an MP3 and an Ogg/Opus recording, printing progress', async () => {
    const dir = await tempDir();
    try {
      const config = join(dir.path, 'config.json');
      await writeFile(
        config,
        JSON.stringify({ dataDir: join(dir.path, 'var'), import: { preSeconds: 5, postSeconds: 5 } }),
      );
      const presses = join(dir.path, 'presses.csv');
      await writeFile(presses, 'recording_start,2026-03-01T09:00:00Z\ntime,button\n10,1\n50,2\n');
      const wav = join(dir.path, 'tone.wav');
      await run('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', wav, 'synth', '60', 'sine', '440']);
      const mp3 = join(dir.path, 'tone.mp3');
      const opus = join(dir.path, 'tone.opus');
      await run('sox', [wav, mp3]);
      await run('opusenc', ['--quiet', wav, opus]);

      const refused = startProcess(process.execPath, [
        BIN.server,
        'import',
        '--config',
        config,
        '--device',
        'dictaphone-mp3',
        '--recording',
        mp3,
        '--presses',
        presses,
      ]);
      assert.equal(await refused.exited, 64);
      assert.match(refused.output(), /device dictaphone-mp3 is not registered/);
      assert.doesNotMatch(refused.output(), /\n\s+at /, 'no stack trace');
      const setup = await openDatabase(`sqlite:${join(dir.path, 'var', 'earshot.db')}`);
      await registerDevice(setup, 'dictaphone-mp3');
      await registerDevice(setup, 'dictaphone-opus');
      await setup.destroy();

      for (const [device, recording] of [
        ['dictaphone-mp3', mp3],
        ['dictaphone-opus', opus],
      ] as const) {
        const cli = startProcess(process.execPath, [
          BIN.server,
          'import',
          '--config',
          config,
          '--device',
          device,
          '--recording',
          recording,
          '--presses',
          presses,
        ]);
        assert.equal(await cli.exited, 0, cli.output());
        assert.match(cli.output(), /^decoding \d+% \(0\/2 clips\)$/m);
        assert.match(cli.output(), /^done 100% \(2\/2 clips\)$/m);
        const result = JSON.parse(
          cli
            .output()
            .split('\n')
            .find((l) => l.startsWith('{"durationMs"')) ?? '',
        ) as ImportResult;
        assert.deepEqual(
          result.clips.map((c) => c.status),
          ['complete', 'complete'],
        );
        assert.ok(Math.abs(result.durationMs - 60_000) < 200, `decoded ${result.durationMs} ms`);
      }
      const db = await openDatabase(`sqlite:${join(dir.path, 'var', 'earshot.db')}`);
      const clips = await db.selectFrom('clips').select(['device_id', 'source', 'duration_ms']).execute();
      await db.destroy();
      assert.equal(clips.length, 4);
      assert.ok(clips.every((c) => c.source === 'import' && c.duration_ms === 10_000));
    } finally {
      await dir.remove();
    }
  });

  it('says which arguments are missing', async () => {
    const cli = startProcess(process.execPath, [BIN.server, 'import', '--device', 'x']);
    assert.equal(await cli.exited, 64);
    assert.match(cli.output(), /missing --recording, --presses/);
  });
});
