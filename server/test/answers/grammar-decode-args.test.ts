import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { PocketsphinxTargeted } from '../../src/answers/targeted/pocketsphinx-targeted.js';
import { clipAudio } from '../support/answer-corpus/render-audio.js';

describe('the grammar decode’s command line', () => {
  it('penalises word insertions, and the operator’s arguments come after (they may override it)', async () => {
    const dir = await tempDir();
    try {
      const seen = join(dir.path, 'args');
      const fake = join(dir.path, 'pocketsphinx');
      await writeFile(fake, `#!/bin/sh\necho "$@" > '${seen}'\n`);
      await chmod(fake, 0o755);
      const targeted = new PocketsphinxTargeted({ command: fake, args: ['-hmm', '/models/en'], timeoutMs: 10_000 });
      const reading = await targeted.recognise(
        clipAudio(new Int16Array(16000 * 3)),
        { startMs: 500, endMs: 2500 },
        'nps',
        'en-US',
      );
      assert.equal(reading?.value, null);
      const args = (await readFile(seen, 'utf8')).trim();
      assert.match(args, /-wip 0\.2 -hmm \/models\/en$/);
    } finally {
      await dir.remove();
    }
  });
});
