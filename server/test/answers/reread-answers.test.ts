import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempDir } from '@earshot/test-kit/temp-dir';
import type { MachineAnswer } from '../../src/answers/answer.js';
import { withTargetedReading } from '../../src/answers/combine-readings.js';
import { rereadAnswers } from '../../src/answers/reread-answers.js';
import { DEFAULT_ANSWER_SETTINGS } from '../../src/answers/answer.js';
import type { Database } from '../../src/db/database.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { clipWithTranscript } from './stored-clip.js';

const answerOf = (db: Database, clipId: string) =>
  db.selectFrom('answers').selectAll().where('clip_id', '=', clipId).executeTakeFirstOrThrow();

for (const kind of DATABASE_KINDS) {
  describe(`re-reading stored transcripts (${kind})`, () => {
    it('reads, then changes nothing on a second run, and never overwrites a person’s answer', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      const dir = await tempDir();
      const { db } = test;
      try {
        const clipId = await clipWithTranscript(db, dir.path);
        const progress: number[] = [];
        const first = await rereadAnswers(db, { onProgress: (c) => progress.push(c.read) });
        assert.deepEqual(first, { read: 1, changed: 1, unchanged: 0, humanKept: 0 });
        assert.deepEqual(progress, [1]);
        const read = await answerOf(db, clipId);
        assert.equal(read.value, 9);
        assert.equal(read.source, 'machine');
        assert.equal(read.question_heard, 1);

        const second = await rereadAnswers(db);
        assert.deepEqual(second, { read: 1, changed: 0, unchanged: 1, humanKept: 0 });
        assert.equal((await answerOf(db, clipId)).read_at, read.read_at, 'nothing written');

        // A person answers 3; then the question asks for more confidence than the machine has.
        const human = {
          human_value: 3,
          human_by: 'u-1',
          human_at: '2026-03-02T00:00:00.000Z',
          value: 3,
          source: 'human' as const,
        };
        await db.updateTable('answers').set(human).where('clip_id', '=', clipId).execute();
        await db
          .updateTable('questions')
          .set({ answer_settings_json: JSON.stringify({ reviewBelow: 0.99 }) })
          .where('id', '=', 'nps')
          .execute();
        assert.deepEqual(await rereadAnswers(db, { questionId: 'nps' }), {
          read: 1,
          changed: 1,
          unchanged: 0,
          humanKept: 1,
        });
        const after = await answerOf(db, clipId);
        assert.equal(after.machine_value, null, 'the machine now withholds its 9');
        assert.deepEqual(
          [after.value, after.source, after.human_value, after.human_by, after.human_at, after.needs_review],
          [3, 'human', 3, 'u-1', human.human_at, 0],
        );
        assert.deepEqual(await rereadAnswers(db, { storeId: 'elsewhere' }), {
          read: 0,
          changed: 0,
          unchanged: 0,
          humanKept: 0,
        });
      } finally {
        await dir.remove();
        await test.close();
      }
    });

    it('keeps a stored targeted reading while its window is unchanged, and drops it when the window moves', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      const dir = await tempDir();
      const { db } = test;
      try {
        const clipId = await clipWithTranscript(db, dir.path);
        await rereadAnswers(db);
        const machine = JSON.parse((await answerOf(db, clipId)).machine_json) as MachineAnswer;
        const targeted = withTargetedReading(
          machine,
          { source: 'targeted', value: 9, confidence: 0.9, reason: 'grammar', evidence: [] },
          DEFAULT_ANSWER_SETTINGS,
          [],
        );
        await db
          .updateTable('answers')
          .set({ machine_json: JSON.stringify(targeted), machine_confidence: targeted.confidence })
          .where('clip_id', '=', clipId)
          .execute();
        assert.equal((await rereadAnswers(db)).unchanged, 1, 'same window: the targeted reading stays');
        const kept = JSON.parse((await answerOf(db, clipId)).machine_json) as MachineAnswer;
        assert.ok(kept.readings.some((r) => r.source === 'targeted'));

        await db
          .updateTable('questions')
          .set({ answer_settings_json: JSON.stringify({ graceMs: 1000 }) })
          .where('id', '=', 'nps')
          .execute();
        assert.equal((await rereadAnswers(db)).changed, 1);
        const moved = JSON.parse((await answerOf(db, clipId)).machine_json) as MachineAnswer;
        assert.equal(moved.window.endMs, 11000);
        assert.deepEqual(
          moved.readings.map((r) => r.source),
          ['transcript'],
        );
        assert.equal(moved.value, 9);
      } finally {
        await dir.remove();
        await test.close();
      }
    });
  });
}
