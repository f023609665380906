import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { configTable, markedSection } from '@earshot/shared/config';
import { deviceReferenceSections } from '../../src/config/config-reference.js';
import { DeviceConfigSchema } from '../../src/config/device-config.js';

// From device/dist/test/config/ to the repository's root.
const ROOT = new URL('../../../../', import.meta.url);

describe('configuration reference', () => {
  for (const { file, name, table } of deviceReferenceSections()) {
    it(`${file}'s ${name} table is the one the schema describes (scripts/config-reference rewrites it)`, async () => {
      const documented = markedSection(await readFile(new URL(file, ROOT), 'utf8'), name);
      assert.ok(documented !== undefined, `${file} has no <!-- config:${name}:start --> … end section`);
      assert.equal(documented, table);
    });
  }

  it('describes every key, with its default', () => {
    const table = configTable(DeviceConfigSchema);
    assert.match(table, /^\| `mqtt\.chunkBytes` \| `32768` \| bytes of a clip per message; .+ \|$/m);
    assert.match(table, /^\| `deviceId` \| \(required\) \| /m);
    for (const { file, name, table } of deviceReferenceSections()) {
      assert.doesNotMatch(table, /\| {2}\|$/m, `a key without a description in ${file}'s ${name} table`);
    }
  });
});
