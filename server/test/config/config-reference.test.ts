import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { configTable, markedSection } from '@earshot/shared/config';
import { serverReferenceSections } from '../../src/config/config-reference.js';
import { ServerConfigSchema } from '../../src/config/server-config.js';

// From server/dist/test/config/ to the repository's root.
const ROOT = new URL('../../../../', import.meta.url);

describe('configuration reference', () => {
  for (const { file, name, table } of serverReferenceSections()) {
    it(`${file}'s ${name} table is the one the schema describes (scripts/config-reference rewrites it)`, async () => {
      const documented = markedSection(await readFile(new URL(file, ROOT), 'utf8'), name);
      assert.ok(documented !== undefined, `${file} has no <!-- config:${name}:start --> … end section`);
      assert.equal(documented, table);
    });
  }

  it('describes every key, defaults included from the enclosing object', () => {
    const table = configTable(ServerConfigSchema);
    assert.match(table, /^\| `buttonMap\.default` \| `\{"1":"nps","2":"improve","3":"complaint"\}` \| /m);
    assert.match(table, /^\| `mqtt\.protocolVersion` \| `4` \| .*one of `4`, `5` \|$/m);
    assert.doesNotMatch(table, /\| {2}\|$/m, 'a key without a description');
  });
});
