import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWav } from '@earshot/shared/wav';
import { OpenAiTargeted } from '../../src/answers/targeted/openai-targeted.js';
import { clipAudio } from '../support/answer-corpus/render-audio.js';
import { formOf, httpDouble, json } from '../support/http-double.js';

/** Ten seconds of a quiet tone: the double does not listen, but the cut's length is checked. */
function tenSeconds(): Int16Array {
  const pcm = new Int16Array(160_000);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(1000 * Math.sin(i / 10));
  return pcm;
}

describe('targeted re-recognition through an OpenAI-compatible engine', () => {
  it('sends only the window with a prompt naming the form, and reads the reply with its times shifted to the clip', async () => {
    const engine = await httpDouble((_request, res) =>
      json(res, 200, {
        text: 'Nine out of ten.',
        words: [
          { word: 'Nine', start: 0.4, end: 0.7, probability: 0.95 },
          { word: 'out', start: 0.7, end: 0.8, probability: 0.9 },
          { word: 'of', start: 0.8, end: 0.9, probability: 0.9 },
          { word: 'ten.', start: 0.9, end: 1.2, probability: 0.9 },
        ],
      }),
    );
    try {
      const recogniser = new OpenAiTargeted({ url: engine.url, model: 'whisper-1', timeoutMs: 5000 });
      const reading = await recogniser.recognise(
        clipAudio(tenSeconds()),
        { startMs: 4000, endMs: 6000 },
        'nps',
        'en-US',
      );
      assert.equal(reading?.source, 'targeted');
      assert.equal(reading?.value, 9);
      assert.equal(reading?.confidence, 0.95);
      // The window was cut from 300 ms before its start, so the reply's 0.4 s is 4.1 s into the clip.
      assert.deepEqual(
        reading?.evidence.map((w) => [w.word, w.startMs]),
        [['Nine', 4100]],
      );
      const form = await formOf(engine.requests[0]!);
      assert.match(form.get('prompt') as string, /from zero to ten/);
      assert.equal(form.get('language'), 'en');
      const sent = parseWav(Buffer.from(await (form.get('file') as Blob).arrayBuffer()));
      assert.equal(sent.data.length / 2 / 16000, 2.6, 'the window and its margins, not the clip');
    } finally {
      await engine.close();
    }
  });

  it('gives no value for a refusal even when the engine has no word times, and names the Russian form in Russian', async () => {
    const engine = await httpDouble((_request, res) =>
      json(res, 200, { text: 'Не знаю, семь или восемь.', words: null }),
    );
    try {
      const recogniser = new OpenAiTargeted({ url: engine.url, model: 'whisper-1', timeoutMs: 5000 });
      const reading = await recogniser.recognise(
        clipAudio(tenSeconds()),
        { startMs: 1000, endMs: 3000 },
        'nps',
        'ru-RU',
      );
      assert.equal(reading?.value, null);
      assert.match((await formOf(engine.requests[0]!)).get('prompt') as string, /от нуля до десяти/);
      assert.equal(
        await recogniser.recognise(clipAudio(tenSeconds()), { startMs: 1000, endMs: 3000 }, 'text', 'en-US'),
        null,
        'a text answer has no closed vocabulary to re-recognise',
      );
    } finally {
      await engine.close();
    }
  });
});
