import type { ServerConfig } from '../config/server-config.js';
import {
  type EngineConfig,
  engineSettings,
  OpenAiEngine as OpenAiEngineSchema,
  PocketsphinxEngine as PocketsphinxEngineSchema,
  YandexEngine as YandexEngineSchema,
} from '../config/transcription-config.js';
import type { TargetedRecogniser } from '../answers/answer.js';
import { OpenAiTargeted } from '../answers/targeted/openai-targeted.js';
import { PocketsphinxTargeted } from '../answers/targeted/pocketsphinx-targeted.js';
import { EngineRouter } from './engine-router.js';
import { OpenAiEngine } from './openai-engine.js';
import { PocketsphinxEngine } from './pocketsphinx-engine.js';
import type { TranscriptionEngine } from './transcript.js';
import { YandexEngine } from './yandex-engine.js';

/** The configured engines, routed by language, each with its targeted re-recogniser where it has one. */
export function buildEngines(config: ServerConfig['transcription']): EngineRouter {
  const engines = new Map<string, TranscriptionEngine>();
  const targeted = new Map<string, TargetedRecogniser>();
  for (const [name, engine] of Object.entries(config.engines)) {
    engines.set(name, buildEngine(engine));
    const recogniser = buildTargeted(engine);
    if (recogniser) targeted.set(name, recogniser);
  }
  return new EngineRouter(engines, config.languages, targeted);
}

/** Yandex SpeechKit has no per-request vocabulary hint here: it gets none. */
function buildTargeted(config: EngineConfig): TargetedRecogniser | undefined {
  switch (config.type) {
    case 'pocketsphinx':
      return new PocketsphinxTargeted(engineSettings(PocketsphinxEngineSchema, config));
    case 'openai':
      return new OpenAiTargeted(engineSettings(OpenAiEngineSchema, config));
    case 'yandex':
      return undefined;
  }
}

function buildEngine(config: EngineConfig): TranscriptionEngine {
  switch (config.type) {
    case 'pocketsphinx':
      return new PocketsphinxEngine(engineSettings(PocketsphinxEngineSchema, config));
    case 'openai':
      return new OpenAiEngine(engineSettings(OpenAiEngineSchema, config));
    case 'yandex':
      return new YandexEngine(engineSettings(YandexEngineSchema, config));
  }
}
