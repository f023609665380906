import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '@earshot/shared/log';
import type { ClipMeta } from '@earshot/shared/protocol';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { Outbox, OutboxFullError } from '../../src/outbox/outbox.js';

function meta(clipId: string): ClipMeta {
  const at = new Date(0).toISOString();
  return {
    clipId,
    button: 1,
    pressedAt: at,
    startAt: at,
    endAt: at,
    startFrame: 0,
    endFrame: 1,
    pressFrame: 0,
    captureSession: 's',
    sampleRate: 16000,
    channels: 1,
    container: 'wav',
    codec: 'pcm_s16le',
    durationMs: 1,
    truncated: false,
    gaps: [],
    clock: { synchronized: null },
  };
}

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ name: 't', destination: sink }) };
}

describe('Outbox quota (policy: keep the oldest, refuse new with an alarm)', () => {
  it('refuses a clip that does not fit, writes a tombstone, raises and clears the alarm', async (t) => {
    const dir = await tempDir();
    t.after(dir.remove);
    const log = capture();
    const outbox = new Outbox(dir.path, log.logger, { quotaBytes: 25_000 });
    await outbox.open();
    await outbox.put(meta('A1'), Buffer.alloc(10_000, 1));
    await outbox.put(meta('A2'), Buffer.alloc(10_000, 2));
    await assert.rejects(outbox.put(meta('A3'), Buffer.alloc(10_000, 3)), OutboxFullError);

    assert.deepEqual(
      (await outbox.list()).map((e) => e.meta.clipId),
      ['A1', 'A2'],
      'the oldest clips are kept',
    );
    const usage = outbox.usage();
    assert.equal(usage.full, true);
    assert.equal(usage.refused, 1);
    assert.equal(usage.clips, 2);
    assert.ok(log.lines.some((l) => l.includes('OUTBOX FULL') && l.includes('A3')));
    const tombstone = JSON.parse(await readFile(join(dir.path, 'refused', 'A3.json'), 'utf8')) as {
      meta: ClipMeta;
      size: number;
    };
    assert.equal(tombstone.meta.clipId, 'A3');
    assert.equal(tombstone.size, 10_000);

    await outbox.remove('A1');
    assert.equal(outbox.usage().full, false, 'a delivery clears the alarm');
    await outbox.put(meta('A4'), Buffer.alloc(10_000, 4));

    // A restarted device counts what is already on disk against the quota.
    const reopened = new Outbox(dir.path, log.logger, { quotaBytes: 25_000 });
    await reopened.open();
    assert.equal(reopened.usage().clips, 2);
    await assert.rejects(reopened.put(meta('A5'), Buffer.alloc(10_000, 5)), OutboxFullError);
    assert.deepEqual((await readdir(join(dir.path, 'refused'))).sort(), ['A3.json', 'A5.json']);
  });
});
