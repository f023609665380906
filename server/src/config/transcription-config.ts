import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** The transcription engines a server can be configured with. */
// Engine fields with a default are optional: TypeBox fills no defaults inside a union, so
// engineSettings() applies them from the member's own schema.
export const PocketsphinxEngine = Type.Object(
  {
    type: Type.Literal('pocketsphinx'),
    command: Type.Optional(Type.String({ default: 'pocketsphinx_continuous' })),
    args: Type.Optional(Type.Array(Type.String(), { default: [] })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1000, default: 600_000 })),
  },
  { additionalProperties: false },
);

export const OpenAiEngine = Type.Object(
  {
    type: Type.Literal('openai'),
    url: Type.String({ pattern: '^https?://', description: 'base URL; the engine posts to /v1/audio/transcriptions' }),
    apiKey: Type.Optional(Type.String()),
    model: Type.Optional(Type.String({ default: 'whisper-1' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1000, default: 300_000 })),
  },
  { additionalProperties: false },
);

export const YandexEngine = Type.Object(
  {
    type: Type.Literal('yandex'),
    apiKey: Type.String({ minLength: 1 }),
    url: Type.Optional(Type.String({ pattern: '^https?://', default: 'https://stt.api.cloud.yandex.net' })),
    operationsUrl: Type.Optional(
      Type.String({ pattern: '^https?://', default: 'https://operation.api.cloud.yandex.net' }),
    ),
    model: Type.Optional(Type.String({ default: 'general' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1000, default: 60_000 })),
    pollIntervalMs: Type.Optional(Type.Integer({ minimum: 10, default: 2000 })),
    maxWaitMs: Type.Optional(Type.Integer({ minimum: 1000, default: 600_000 })),
  },
  { additionalProperties: false },
);

export const EngineConfig = Type.Union([PocketsphinxEngine, OpenAiEngine, YandexEngine]);
export type EngineConfig = Static<typeof EngineConfig>;

type WithDefaults<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

/** An engine's configuration with its defaults filled in (apiKey stays optional for openai). */
export function engineSettings<S extends typeof PocketsphinxEngine | typeof OpenAiEngine | typeof YandexEngine>(
  schema: S,
  config: Static<S>,
): WithDefaults<Omit<Static<S>, 'apiKey'>> & Pick<Static<S>, 'apiKey' & keyof Static<S>> {
  return Value.Default(schema, structuredClone(config)) as ReturnType<typeof engineSettings<S>>;
}
