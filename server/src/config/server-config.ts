import { join, resolve } from 'node:path';
import { ConfigError, type LoadConfigOptions, LogLevelSchema, loadConfig } from '@earshot/shared/config';
import { validateRoot } from '@earshot/shared/protocol';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AnswerSettingsInput } from '../answers/answer-settings.js';

const QuestionKind = Type.Union([
  Type.Literal('nps'),
  Type.Literal('csat'),
  Type.Literal('yes_no'),
  Type.Literal('open'),
  Type.Literal('complaint'),
  Type.Literal('praise'),
  Type.Literal('custom'),
]);

const Question = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
    kind: QuestionKind,
    text: Type.Object(
      { en: Type.String({ minLength: 1 }), ru: Type.Optional(Type.String({ minLength: 1 })) },
      { additionalProperties: false },
    ),
    /** How its answers are read (answers/answer-settings.ts); omitted: as set through the API, else the defaults. */
    answerSettings: Type.Optional(AnswerSettingsInput),
  },
  { additionalProperties: false },
);

/** Button number -> question id. */
const Buttons = Type.Record(Type.String({ pattern: '^[1-9][0-9]?$' }), Type.String());

/** S3-compatible object storage (AWS S3, MinIO, Yandex Object Storage) instead of a directory. */
const S3Storage = Type.Object(
  {
    bucket: Type.String({ minLength: 3 }),
    region: Type.String({ default: 'us-east-1' }),
    endpoint: Type.Optional(Type.String({ description: 'e.g. https://storage.yandexcloud.net; omit for AWS' })),
    accessKeyId: Type.Optional(Type.String()),
    secretAccessKey: Type.Optional(Type.String()),
    forcePathStyle: Type.Boolean({ default: true }),
    prefix: Type.String({ default: '', description: 'key prefix inside the bucket' }),
    presignSeconds: Type.Integer({ minimum: 1, maximum: 604800, default: 900 }),
  },
  { additionalProperties: false },
);

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

export const ServerConfigSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1, default: './var', description: 'database, clips and queue when local' }),
    logLevel: LogLevelSchema,
    http: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
      },
      { additionalProperties: false, default: {} },
    ),
    access: Type.Object(
      {
        sessionHours: Type.Number({ minimum: 0.1, maximum: 720, default: 12, description: 'console sign-in lifetime' }),
        secureCookies: Type.Boolean({
          default: false,
          description: 'mark the session cookie Secure: set true whenever the console is reached over HTTPS',
        }),
        loginAttemptsPerMinute: Type.Integer({ minimum: 1, default: 10, description: 'per client address' }),
      },
      { additionalProperties: false, default: {} },
    ),
    retention: Type.Object(
      {
        defaultDays: Type.Integer({
          minimum: 1,
          default: 90,
          description: 'days a clip is kept when its question sets no period of its own',
        }),
        checkIntervalMinutes: Type.Number({
          minimum: 1,
          default: 60,
          description: 'how often expired clips are purged',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    mqtt: Type.Object(
      {
        embedded: Type.Boolean({ default: true, description: 'run the aedes broker in this process' }),
        host: Type.String({ default: '0.0.0.0', description: 'embedded broker: listen address' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 1883, description: 'embedded broker: TCP port' }),
        url: Type.Optional(Type.String({ pattern: '^(mqtts?|wss?|tcp|ssl)://', description: 'external broker' })),
        root: Type.String({ default: 'earshot' }),
        username: Type.Optional(Type.String()),
        password: Type.Optional(Type.String()),
        maxMessageBytes: Type.Integer({ minimum: 1024, default: 256 * 1024 }),
        authentication: Type.Boolean({
          default: true,
          description: 'embedded broker: require an account (see `earshot-server credentials`)',
        }),
        protocolVersion: Type.Union([Type.Literal(4), Type.Literal(5)], {
          default: 4,
          description: 'external broker: 5 for shared subscriptions (Mosquitto, EMQX)',
        }),
        sharedGroup: Type.Optional(
          Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'scale-out: $share group of all instances' }),
        ),
        clientId: Type.Optional(Type.String({ minLength: 1, description: 'default earshot-server-<hostname>' })),
        tls: Type.Optional(
          Type.Object(
            {
              certFile: Type.Optional(Type.String({ description: 'embedded broker: PEM certificate' })),
              keyFile: Type.Optional(Type.String({ description: 'embedded broker: PEM private key' })),
              caFile: Type.Optional(Type.String({ description: 'external broker: PEM CA to trust' })),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    enrolment: Type.Object(
      {
        brokerUrl: Type.Optional(
          Type.String({
            pattern: '^(mqtts?|wss?|tcp|ssl)://',
            description: 'the broker as devices reach it; default: the embedded broker on the host the device called',
          }),
        ),
        caFile: Type.Optional(Type.String({ description: 'PEM CA devices must trust (default mqtt.tls.caFile)' })),
        tokenHours: Type.Number({
          minimum: 0.01,
          maximum: 720,
          default: 24,
          description: 'how long a claim token stays valid',
        }),
        attemptsPerMinute: Type.Integer({ minimum: 1, default: 10, description: 'enrolment calls per client address' }),
        rotationTimeoutSeconds: Type.Number({
          minimum: 1,
          default: 15,
          description: "how long a credential rotation waits for the device's answer",
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    database: Type.Object(
      {
        url: Type.Optional(
          Type.String({
            description: 'sqlite:<path> or postgres://user:pass@host/db[?schema=s]; default <dataDir>/earshot.db',
          }),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    storage: Type.Object(
      {
        dir: Type.Optional(Type.String({ description: 'clip audio directory; default <dataDir>/clips' })),
        s3: Type.Optional(S3Storage),
      },
      { additionalProperties: false, default: {} },
    ),
    ingest: Type.Object(
      {
        maxResends: Type.Integer({ minimum: 0, default: 3, description: 'whole-clip resends after a sha256 mismatch' }),
        abandonAfterHours: Type.Number({
          minimum: 0.001,
          default: 24,
          description: 'staged chunks of a transfer begun this long ago and never finished are dropped',
        }),
        maxFinsInProgress: Type.Integer({
          minimum: 1,
          maximum: 256,
          default: 8,
          description: 'fins processed at a time off the message path; further fins hold back the broker',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    transcription: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'run the transcription worker in this process' }),
        concurrency: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
        pollIntervalMs: Type.Integer({ minimum: 10, default: 1000 }),
        maxAttempts: Type.Integer({ minimum: 1, default: 5 }),
        initialDelayMs: Type.Integer({ minimum: 0, default: 10_000 }),
        maxDelayMs: Type.Integer({ minimum: 0, default: 3_600_000 }),
        defaultLanguage: Type.String({ default: 'en-US', description: 'for clips of devices without a store' }),
        engines: Type.Record(Type.String({ pattern: '^[a-z0-9_-]+$' }), EngineConfig, {
          default: { pocketsphinx: { type: 'pocketsphinx' } },
        }),
        languages: Type.Record(Type.String(), Type.String(), {
          default: { '*': 'pocketsphinx' },
          description: 'language tag ("ru-RU", "ru" or "*") -> engine name',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    import: Type.Object(
      {
        preSeconds: Type.Number({ minimum: 0, default: 60, description: 'as the devices: audio kept before a press' }),
        postSeconds: Type.Number({ minimum: 0, default: 60, description: 'as the devices: audio kept after a press' }),
        maxUploadBytes: Type.Integer({ minimum: 1, default: 4 * 1024 ** 3 }),
      },
      { additionalProperties: false, default: {} },
    ),
    fleet: Type.Object(
      {
        offlineMinutes: Type.Number({
          minimum: 0,
          default: 10,
          description: 'alert when a device is offline this long while its store is open',
        }),
        backlogHeartbeats: Type.Integer({
          minimum: 1,
          default: 5,
          description: 'alert when the outbox grew at this many heartbeats in a row...',
        }),
        backlogMinClips: Type.Integer({ minimum: 1, default: 5, description: '...and holds at least this many clips' }),
        diskLowMegabytes: Type.Number({ minimum: 0, default: 500, description: 'alert below this much free disk' }),
        clockOffsetMs: Type.Number({
          minimum: 0,
          default: 1000,
          description: 'alert when the device clock is off by more than this (or not synchronised)',
        }),
        checkIntervalSeconds: Type.Number({
          minimum: 1,
          default: 60,
          description: 'how often every device is re-evaluated (offline alerts need the timer)',
        }),
        historyHours: Type.Number({ minimum: 1, default: 168, description: 'heartbeat history kept per device' }),
        testPressTimeoutSeconds: Type.Number({
          minimum: 1,
          default: 10,
          description: 'how long a test press waits for the device to answer',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    queue: Type.Object(
      {
        backend: Type.Union([Type.Literal('table'), Type.Literal('pg-boss')], {
          default: 'table',
          description: 'pg-boss needs a postgres database',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    webhooks: Type.Object(
      {
        hooks: Type.Array(
          Type.Object(
            {
              name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
              url: Type.String({ pattern: '^https?://' }),
              secret: Type.String({ minLength: 16, description: 'HMAC-SHA256 key the receiver checks' }),
              events: Type.Array(
                Type.Union([
                  Type.Literal('clip.stored'),
                  Type.Literal('transcript.ready'),
                  Type.Literal('answer.detractor'),
                  Type.Literal('device.alert.raised'),
                  Type.Literal('device.alert.resolved'),
                ]),
                {
                  minItems: 1,
                  uniqueItems: true,
                  description:
                    'clip.stored, transcript.ready, answer.detractor, device.alert.raised, device.alert.resolved',
                },
              ),
              includeTranscript: Type.Boolean({
                default: false,
                description: 'send the transcript text (personal data) with transcript and detractor events',
              }),
            },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
        maxAttempts: Type.Integer({ minimum: 1, default: 10 }),
        timeoutSeconds: Type.Number({ minimum: 0.1, default: 10 }),
      },
      { additionalProperties: false, default: {} },
    ),
    questions: Type.Array(Question, {
      default: [
        {
          id: 'nps',
          kind: 'nps',
          text: { en: 'How likely are you to recommend us?', ru: 'Порекомендуете ли вы нас?' },
        },
        { id: 'improve', kind: 'open', text: { en: 'What should we improve?', ru: 'Что нам улучшить?' } },
        { id: 'complaint', kind: 'complaint', text: { en: 'Complaint', ru: 'Жалоба' } },
      ],
    }),
    buttonMap: Type.Object(
      {
        default: Buttons,
        devices: Type.Record(Type.String(), Buttons, { default: {} }),
      },
      { additionalProperties: false, default: { default: { '1': 'nps', '2': 'improve', '3': 'complaint' } } },
    ),
  },
  { additionalProperties: false },
);

export type ServerConfig = Static<typeof ServerConfigSchema>;

export function loadServerConfig(options: LoadConfigOptions): ServerConfig {
  const config = loadConfig(ServerConfigSchema, options);
  const problems: string[] = [];
  const known = new Set(config.questions.map((q) => q.id));
  const maps: [string, Record<string, string>][] = [
    ['/buttonMap/default', config.buttonMap.default],
    ...Object.entries(config.buttonMap.devices).map(([id, map]): [string, Record<string, string>] => [
      `/buttonMap/devices/${id}`,
      map,
    ]),
  ];
  for (const [path, map] of maps) {
    for (const [button, question] of Object.entries(map)) {
      if (!known.has(question)) problems.push(`${path}/${button}: no question with id ${JSON.stringify(question)}`);
    }
  }
  for (const [language, engine] of Object.entries(config.transcription.languages)) {
    if (!(engine in config.transcription.engines)) {
      problems.push(`/transcription/languages/${language}: no engine named ${JSON.stringify(engine)}`);
    }
  }
  if (config.queue.backend === 'pg-boss' && !/^postgres(ql)?:\/\//.test(config.database.url ?? '')) {
    problems.push('/queue/backend: pg-boss needs database.url to be a postgres:// URL');
  }
  const rootProblem = validateRoot(config.mqtt.root);
  if (rootProblem) problems.push(`/mqtt/root: ${rootProblem} (got ${JSON.stringify(config.mqtt.root)})`);
  if (!config.mqtt.embedded && config.mqtt.url === undefined) {
    problems.push('/mqtt/url: required when mqtt.embedded is false');
  }
  if (config.mqtt.sharedGroup !== undefined && config.mqtt.protocolVersion !== 5) {
    problems.push('/mqtt/sharedGroup: shared subscriptions need mqtt.protocolVersion 5');
  }
  if (config.mqtt.embedded && config.mqtt.sharedGroup !== undefined) {
    problems.push('/mqtt/sharedGroup: the embedded broker (aedes) has no shared subscriptions');
  }
  if (problems.length > 0) throw new ConfigError('invalid configuration', problems);
  return config;
}

/** The database the configuration names: `database.url`, else SQLite in the data directory. */
export function databaseUrl(config: ServerConfig): string {
  return config.database.url ?? `sqlite:${join(resolve(config.dataDir), 'earshot.db')}`;
}
