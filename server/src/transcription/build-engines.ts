import {
  type EngineConfig,
  engineSettings,
  OpenAiEngine as OpenAiEngineSchema,
  PocketsphinxEngine as PocketsphinxEngineSchema,
  type ServerConfig,
  YandexEngine as YandexEngineSchema,
} from '../config/server-config.js';
import { EngineRouter } from './engine-router.js';
import { OpenAiEngine } from './openai-engine.js';
import { PocketsphinxEngine } from './pocketsphinx-engine.js';
import type { TranscriptionEngine } from './transcript.js';
import { YandexEngine } from './yandex-engine.js';

/** The configured engines, routed by language. */
export function buildEngines(config: ServerConfig['transcription']): EngineRouter {
  const engines = new Map<string, TranscriptionEngine>();
  for (const [name, engine] of Object.entries(config.engines)) engines.set(name, buildEngine(engine));
  return new EngineRouter(engines, config.languages);
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
