import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Database } from '../../src/db/database.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { ingestHarness, wavClip } from '../support/ingest-harness.js';
import { spoken } from './spoken.js';

/** A 20 s clip pressed at 10 s, whose stored transcript asks the NPS question and hears "nine". */
export async function clipWithTranscript(db: Database, dir: string): Promise<string> {
  const { ingest, buttonMap } = ingestHarness(db, new DiskBlobStore(join(dir, 'blobs')));
  await db
    .insertInto('questions')
    .values({ id: 'nps', kind: 'nps', text_en: 'How likely are you to recommend us to a friend?', text_ru: null })
    .execute();
  await buttonMap.addVersion('default', '', { '1': 'nps' }, new Date(0));
  const clip = wavClip(Buffer.alloc(16000 * 2 * 20), 1, new Date('2026-03-01T10:00:00Z'));
  assert.equal((await submitClip(ingest, 'pi-1', clip.meta, clip.audio)).status, 'complete');
  const words = spoken(
    { atMs: 1000, text: 'that is three hundred rubles' },
    { atMs: 3000, text: 'how likely are you to recommend us to a friend' },
    { atMs: 8000, text: 'I would say nine' },
    { atMs: 15000, text: 'order number five' },
  );
  await db
    .insertInto('transcripts')
    .values({
      clip_id: clip.meta.clipId,
      engine: 'test',
      language: 'en',
      text: words.map((w) => w.word).join(' '),
      words_json: JSON.stringify(words),
      duration_ms: 20000,
      created_at: new Date().toISOString(),
    })
    .execute();
  return clip.meta.clipId;
}
