import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { configTable, markedSection } from '@earshot/shared/config';
import { DeviceConfigSchema } from '../../src/config/device-config.js';

// From device/dist/test/config/ to the repository's root.
const README = new URL('../../../../README.md', import.meta.url);

describe('configuration reference', () => {
  it("README's device table is the one the schema describes (scripts/config-reference rewrites it)", async () => {
    const documented = markedSection(await readFile(README, 'utf8'), 'device');
    assert.ok(documented !== undefined, 'README.md has no <!-- config:device:start --> … end section');
    assert.equal(documented, configTable(DeviceConfigSchema));
  });

  it('describes every key, with its default', () => {
    const table = configTable(DeviceConfigSchema);
    assert.match(table, /^\| `mqtt\.chunkBytes` \| `32768` \| bytes of a clip per message; .+ \|$/m);
    assert.match(table, /^\| `deviceId` \| \(required\) \| /m);
    assert.doesNotMatch(table, /\| {2}\|$/m, 'a key without a description');
  });
});
