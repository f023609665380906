import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseWav } from '@earshot/shared/wav';
import { tone } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { OpusEncoder } from '../../src/clips/opus-encoder.js';

const run = promisify(execFile);
const RATE = 16_000;
const format = { sampleRate: RATE, channels: 1, bitsPerSample: 16 } as const;

describe('OpusEncoder', () => {
  it('makes an Ogg/Opus file that opusinfo accepts and opusdec decodes to the same length', async (t) => {
    const dir = await tempDir();
    t.after(() => dir.remove());
    const encoding = new OpusEncoder({ bitrateKbps: 24 }).begin(format);
    // 3.5 s written the way a clip arrives: a pre-roll, then 20 ms chunks.
    const pcm = tone(3.5 * RATE, RATE, 440, 0.3);
    encoding.write(pcm.subarray(0, 2 * RATE * 2));
    for (let at = 2 * RATE * 2; at < pcm.length; at += 640) encoding.write(pcm.subarray(at, at + 640));
    const ogg = await encoding.finish();
    assert.equal(ogg.toString('ascii', 0, 4), 'OggS');
    const file = join(dir.path, 'clip.opus');
    await writeFile(file, ogg);
    const info = await run('opusinfo', [file]);
    assert.match(info.stdout, /Playback length: 0m:03\.5/);
    assert.doesNotMatch(info.stdout + info.stderr, /WARNING|ERROR/i);
    const decoded = join(dir.path, 'decoded.wav');
    await run('opusdec', ['--quiet', '--rate', String(RATE), file, decoded]);
    const wav = parseWav(await readFile(decoded));
    assert.equal(wav.data.length, pcm.length, 'decoded to exactly the samples encoded');
  });

  it('rejects with the reason when the encoder cannot run', async () => {
    const encoding = new OpusEncoder({ bitrateKbps: 24, command: 'opusenc-not-installed' }).begin(format);
    encoding.write(tone(RATE, RATE));
    await assert.rejects(encoding.finish(), /cannot run opusenc-not-installed: spawn opusenc-not-installed ENOENT/);
  });
});
