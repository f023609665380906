import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnswerView } from '../../src/answers/answer-view.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { apiTest } from '../support/app-harness.js';
import { wavClip } from '../support/ingest-harness.js';
import { spoken } from './spoken.js';

describe('answers through the API', () => {
  it('takes a question’s answer settings, re-reads on request, and shows the answer with its clip', async (t) => {
    const api = await apiTest(t, 'sqlite');
    if (!api) return;
    const { app, db, ingest } = api;
    try {
      const question = {
        kind: 'csat',
        text: { en: 'How would you rate our service?', ru: 'Как вы оцените наше обслуживание?' },
        answerSettings: { graceMs: 3000, cues: { ru: ['оцените нас'] } },
      };
      const put = await app.inject({ method: 'PUT', url: '/api/v1/questions/service', payload: question });
      assert.equal(put.statusCode, 201, put.body);
      assert.deepEqual(put.json<{ answerSettings: unknown }>().answerSettings, {
        graceMs: 3000,
        cues: { ru: ['оцените нас'] },
        reviewBelow: 0.7,
      });
      const bad = await app.inject({
        method: 'PUT',
        url: '/api/v1/questions/service',
        payload: { ...question, answerSettings: { reviewBelow: 2 } },
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json<{ error: string }>().error, /answerSettings\/reviewBelow/);

      const clip = wavClip(Buffer.alloc(16000 * 2 * 10), 1, new Date('2026-05-01T10:00:00Z'));
      clip.meta.pressFrame = 16000 * 6;
      assert.equal((await submitClip(ingest, 'pi-1', clip.meta, clip.audio)).status, 'complete');
      // No button map: file the clip under the question directly.
      await db.updateTable('clips').set({ question_id: 'service' }).where('id', '=', clip.meta.clipId).execute();
      const words = spoken(
        { atMs: 500, text: 'how would you rate our service' },
        { atMs: 3500, text: 'four out of five' },
      );
      await db
        .insertInto('transcripts')
        .values({
          clip_id: clip.meta.clipId,
          engine: 'test',
          language: 'en',
          text: words.map((w) => w.word).join(' '),
          words_json: JSON.stringify(words),
          duration_ms: 10000,
          created_at: new Date().toISOString(),
        })
        .execute();

      const reread = await app.inject({
        method: 'POST',
        url: '/api/v1/answers/reread',
        payload: { questionId: 'service' },
      });
      assert.equal(reread.statusCode, 200, reread.body);
      assert.deepEqual(reread.json(), { read: 1, changed: 1, unchanged: 0, humanKept: 0 });

      const one = await app.inject({ url: `/api/v1/clips/${clip.meta.clipId}` });
      const answer = one.json<{ answer: AnswerView }>().answer;
      assert.equal(answer.form, 'csat');
      assert.equal(answer.value, 4, answer.reason);
      assert.equal(answer.source, 'machine');
      assert.equal(answer.needsReview, false);
      assert.equal(answer.pressMs, 6000);
      assert.deepEqual(answer.window, { startMs: 2800, endMs: 9000 });
      assert.equal(answer.questionHeard.heard, true);
      assert.equal(answer.text, 'four out of five');
      assert.deepEqual(
        answer.evidence.map((w) => w.word),
        ['four'],
      );
      assert.deepEqual(answer.machine, { value: 4, confidence: answer.confidence });
      assert.equal(answer.human, null);
      const list = await app.inject({ url: '/api/v1/clips' });
      assert.equal(list.json<{ items: { answer: AnswerView | null }[] }>().items[0]?.answer?.value, 4);
    } finally {
      await api.close();
    }
  });
});
