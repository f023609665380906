import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { parseWav } from '@earshot/shared/wav';
import { OpenAiEngine } from '../../src/transcription/openai-engine.js';
import type { ClipAudio, EngineError } from '../../src/transcription/transcript.js';
import { YandexEngine } from '../../src/transcription/yandex-engine.js';
import { formOf, httpDouble, json } from '../support/http-double.js';
import { wavClip } from '../support/ingest-harness.js';

function wavAudio(): ClipAudio {
  const { audio } = wavClip(indexSignal(16000), 1, new Date());
  return { data: audio, container: 'wav', codec: 'pcm_s16le', sampleRate: 16000, channels: 1, durationMs: 1000 };
}

/** A verbose_json answer as whisper.cpp's server and OpenAI send it. */
const VERBOSE_JSON = {
  task: 'transcribe',
  language: 'english',
  duration: 1.5,
  text: ' I would give you a nine.',
  segments: [{ id: 0, start: 0, end: 1.5, text: ' I would give you a nine.' }],
  words: [
    { word: 'I', start: 0.1, end: 0.2, probability: 0.98 },
    { word: 'would', start: 0.2, end: 0.45 },
    { word: 'give', start: 0.45, end: 0.7 },
    { word: 'you', start: 0.7, end: 0.85 },
    { word: 'a', start: 0.85, end: 0.9 },
    { word: 'nine.', start: 0.9, end: 1.4, probability: 0.9 },
  ],
};

describe('OpenAI-compatible engine', () => {
  it('posts the clip as multipart with model, language, verbose_json and word timestamps', async () => {
    const double = await httpDouble((_req, res) => json(res, 200, VERBOSE_JSON));
    try {
      const audio = wavAudio();
      const engine = new OpenAiEngine({ url: double.url, apiKey: 'sk-test', model: 'whisper-1', timeoutMs: 5000 });
      const transcript = await engine.transcribe(audio, 'en-US');

      const [request] = double.requests;
      assert.ok(request);
      assert.equal(request.method, 'POST');
      assert.equal(request.path, '/v1/audio/transcriptions');
      assert.equal(request.headers.authorization, 'Bearer sk-test');
      assert.match(String(request.headers['content-type']), /^multipart\/form-data; boundary=/);
      const form = await formOf(request);
      assert.deepEqual(
        [...form.keys()].sort(),
        ['file', 'language', 'model', 'response_format', 'timestamp_granularities[]'].sort(),
      );
      assert.equal(form.get('model'), 'whisper-1');
      assert.equal(form.get('language'), 'en');
      assert.equal(form.get('response_format'), 'verbose_json');
      assert.deepEqual(form.getAll('timestamp_granularities[]'), ['word']);
      const file = form.get('file') as File;
      assert.equal(file.name, 'clip.wav');
      assert.equal(file.type, 'audio/wav');
      assert.deepEqual(Buffer.from(await file.arrayBuffer()), audio.data);

      assert.equal(transcript.text, 'I would give you a nine.');
      assert.equal(transcript.engine, 'openai');
      assert.equal(transcript.durationMs, 1500);
      assert.deepEqual(transcript.words.at(-1), { word: 'nine.', startMs: 900, endMs: 1400, confidence: 0.9 });
      assert.equal(transcript.words[1]?.confidence, null);
    } finally {
      await double.close();
    }
  });

  it('accepts words: null (servers without word timestamps) and sends no key when none is set', async () => {
    const double = await httpDouble((_req, res) => json(res, 200, { text: 'nine', words: null }));
    try {
      const engine = new OpenAiEngine({ url: double.url, model: 'base', timeoutMs: 5000 });
      const transcript = await engine.transcribe(wavAudio(), 'en-US');
      assert.equal(double.requests[0]?.headers.authorization, undefined);
      assert.equal(transcript.text, 'nine');
      assert.deepEqual(transcript.words, []);
      assert.equal(transcript.durationMs, 1000);
    } finally {
      await double.close();
    }
  });

  it('says what was wrong with a malformed answer', async () => {
    const double = await httpDouble((_req, res) => json(res, 200, { words: [] }));
    try {
      const engine = new OpenAiEngine({ url: double.url, model: 'base', timeoutMs: 5000 });
      await assert.rejects(engine.transcribe(wavAudio(), 'en'), /openai: malformed response: \/text/);
    } finally {
      await double.close();
    }
  });
});

/** getRecognition's stream as SpeechKit sends it: int64 fields as strings, one object per line. */
const RECOGNITION = [
  { result: { sessionUuid: { uuid: 's' }, audioCursors: { receivedDataMs: '1000' }, channelTag: '0' } },
  {
    result: {
      channelTag: '0',
      final: {
        alternatives: [
          {
            words: [
              { text: 'на', startTimeMs: '400', endTimeMs: '520' },
              { text: 'восемь', startTimeMs: '520', endTimeMs: '980' },
            ],
            text: 'на восемь',
            startTimeMs: '400',
            endTimeMs: '980',
            confidence: 0,
          },
        ],
        channelTag: '0',
      },
    },
  },
  { result: { channelTag: '0', finalRefinement: { normalizedText: { alternatives: [{ text: 'на 8' }] } } } },
]
  .map((m) => JSON.stringify(m))
  .join('\n');

describe('Yandex SpeechKit v3 async engine', () => {
  it('sends the audio inline, polls the operation, reads the words of getRecognition', async () => {
    let polls = 0;
    const double = await httpDouble((req, res) => {
      if (req.path === '/stt/v3/recognizeFileAsync') return json(res, 200, { id: 'op-1', done: false });
      if (req.path === '/operations/op-1') return json(res, 200, { id: 'op-1', done: ++polls >= 2 });
      if (req.path === '/stt/v3/getRecognition?operationId=op-1') return res.writeHead(200).end(RECOGNITION);
      json(res, 404, { message: 'unexpected' });
    });
    try {
      const audio = wavAudio();
      const engine = new YandexEngine({
        url: double.url,
        operationsUrl: double.url,
        apiKey: 'AQVN-test',
        model: 'general',
        timeoutMs: 5000,
        pollIntervalMs: 10,
        maxWaitMs: 5000,
      });
      const transcript = await engine.transcribe(audio, 'ru');

      assert.deepEqual(
        double.requests.map((r) => `${r.method} ${r.path}`),
        [
          'POST /stt/v3/recognizeFileAsync',
          'GET /operations/op-1',
          'GET /operations/op-1',
          'GET /stt/v3/getRecognition?operationId=op-1',
        ],
      );
      for (const r of double.requests) assert.equal(r.headers.authorization, 'Api-Key AQVN-test');
      const body = JSON.parse(double.requests[0]?.body.toString() ?? '') as {
        content: string;
        recognitionModel: unknown;
      };
      assert.deepEqual(body.recognitionModel, {
        model: 'general',
        audioFormat: { rawAudio: { audioEncoding: 'LINEAR16_PCM', sampleRateHertz: 16000, audioChannelCount: 1 } },
        languageRestriction: { restrictionType: 'WHITELIST', languageCode: ['ru-RU'] },
      });
      assert.deepEqual(Buffer.from(body.content, 'base64'), parseWav(audio.data).data);

      assert.equal(transcript.text, 'на восемь');
      assert.equal(transcript.language, 'ru-RU');
      assert.deepEqual(transcript.words[1], { word: 'восемь', startMs: 520, endMs: 980, confidence: null });
    } finally {
      await double.close();
    }
  });

  it('sends Ogg/Opus as OGG_OPUS without re-encoding', async () => {
    const double = await httpDouble((req, res) => {
      if (req.path === '/stt/v3/recognizeFileAsync') return json(res, 200, { id: 'op-2', done: true });
      if (req.path.startsWith('/operations/')) return json(res, 200, { id: 'op-2', done: true });
      res.writeHead(200).end(RECOGNITION);
    });
    try {
      const ogg = Buffer.from('OggS-not-really');
      const engine = new YandexEngine({
        url: double.url,
        operationsUrl: double.url,
        apiKey: 'k',
        model: 'general',
        timeoutMs: 5000,
        pollIntervalMs: 10,
        maxWaitMs: 5000,
      });
      await engine.transcribe(
        { data: ogg, container: 'ogg', codec: 'opus', sampleRate: 16000, channels: 1, durationMs: 1000 },
        'ru-RU',
      );
      const body = JSON.parse(double.requests[0]?.body.toString() ?? '') as {
        content: string;
        recognitionModel: { audioFormat: unknown };
      };
      assert.deepEqual(body.recognitionModel.audioFormat, { containerAudio: { containerAudioType: 'OGG_OPUS' } });
      assert.deepEqual(Buffer.from(body.content, 'base64'), ogg);
    } finally {
      await double.close();
    }
  });

  it('reports a failed operation with its message', async () => {
    const double = await httpDouble((req, res) => {
      if (req.path === '/stt/v3/recognizeFileAsync') return json(res, 200, { id: 'op-3', done: false });
      json(res, 200, { id: 'op-3', done: true, error: { code: 3, message: 'audio is too long' } });
    });
    try {
      const engine = new YandexEngine({
        url: double.url,
        operationsUrl: double.url,
        apiKey: 'k',
        model: 'general',
        timeoutMs: 5000,
        pollIntervalMs: 10,
        maxWaitMs: 5000,
      });
      await assert.rejects(engine.transcribe(wavAudio(), 'ru'), /yandex: recognition op-3 failed: audio is too long/);
    } finally {
      await double.close();
    }
  });

  it('turns 429 with Retry-After, HTTP 500 and a malformed result into readable errors', async () => {
    let step = 0;
    const double = await httpDouble((req, res) => {
      step++;
      if (step === 1) return json(res, 429, { message: 'quota' }, { 'retry-after': '7' });
      if (step === 2) return json(res, 500, { code: 13, message: 'internal' });
      if (req.path === '/stt/v3/recognizeFileAsync') return json(res, 200, { id: 'op-4', done: true });
      if (req.path.startsWith('/operations/')) return json(res, 200, { id: 'op-4', done: true });
      res.writeHead(200).end('{"result": {"final": ');
    });
    try {
      const engine = new YandexEngine({
        url: double.url,
        operationsUrl: double.url,
        apiKey: 'k',
        model: 'general',
        timeoutMs: 5000,
        pollIntervalMs: 10,
        maxWaitMs: 5000,
      });
      await assert.rejects(
        engine.transcribe(wavAudio(), 'ru'),
        (e: EngineError) =>
          e.retryAfterMs === 7000 &&
          e.message ===
            'yandex: POST /stt/v3/recognizeFileAsync answered HTTP 429 (retry after 7 s): {"message":"quota"}',
      );
      await assert.rejects(
        engine.transcribe(wavAudio(), 'ru'),
        /^EngineError: yandex: POST \/stt\/v3\/recognizeFileAsync answered HTTP 500: .*internal/,
      );
      await assert.rejects(engine.transcribe(wavAudio(), 'ru'), /yandex: malformed recognition result, not JSON/);
    } finally {
      await double.close();
    }
  });
});
