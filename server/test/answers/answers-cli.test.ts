import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { openDatabase } from '../../src/db/database.js';
import { clipWithTranscript } from './stored-clip.js';

describe('earshot-server answers reread (CLI)', () => {
  it('re-reads stored transcripts with progress, changes nothing the second time, and refuses a bad command', async () => {
    const dir = await tempDir();
    try {
      const dataDir = join(dir.path, 'var');
      const config = join(dir.path, 'config.json');
      await writeFile(config, JSON.stringify({ dataDir }));
      const db = await openDatabase(`sqlite:${join(dataDir, 'earshot.db')}`);
      try {
        await clipWithTranscript(db, dir.path);
      } finally {
        await db.destroy();
      }
      const reread = async () => {
        const cli = startProcess(process.execPath, [
          BIN.server,
          'answers',
          'reread',
          '--config',
          config,
          '--question',
          'nps',
        ]);
        assert.equal(await cli.exited, 0, cli.output());
        return cli.output();
      };
      const first = await reread();
      assert.match(first, /^1\/1 read, 1 changed, 0 unchanged$/m);
      assert.match(first, /^\{"read":1,"changed":1,"unchanged":0,"humanKept":0\}$/m);
      assert.match(await reread(), /^\{"read":1,"changed":0,"unchanged":1,"humanKept":0\}$/m);

      const bad = startProcess(process.execPath, [BIN.server, 'answers', 'rewrite', '--config', config]);
      assert.equal(await bad.exited, 64, bad.output());
      assert.match(bad.output(), /expected "reread"/);
    } finally {
      await dir.remove();
    }
  });
});
