import { join, resolve } from 'node:path';
import { ConfigError, type LoadConfigOptions, LogLevelSchema, loadConfig } from '@earshot/shared/config';
import { validateRoot } from '@earshot/shared/protocol';
import { type Static, Type } from '@sinclair/typebox';
import { EnrolmentConfig, MqttConfig } from './broker-config.js';
import { FleetConfig } from './fleet-config.js';
import { EngineConfig } from './transcription-config.js';
import { DatabaseConfig, StorageConfig } from './storage-config.js';
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
const Buttons = (options: { description?: string; default?: Record<string, string> } = {}) =>
  Type.Record(Type.String({ pattern: '^[1-9][0-9]?$' }), Type.String(), options);

export const ServerConfigSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1, default: './var', description: 'database, clips and queue when local' }),
    logLevel: LogLevelSchema,
    http: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1', description: 'the API and console: listen address' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'the API and console: TCP port' }),
        trustProxy: Type.Union([Type.Boolean(), Type.String({ minLength: 1 })], {
          default: false,
          description:
            'behind a reverse proxy: `true` trusts X-Forwarded-For from any peer, or name the proxies ("127.0.0.1,10.0.0.0/8"); the client address then counts for rate limits, lockouts and the audit log',
        }),
        metricsToken: Type.Optional(
          Type.String({
            minLength: 16,
            description:
              '`/metrics` answers only to `Authorization: Bearer <this>` (Prometheus `authorization.credentials`); unset: only requests from this machine (loopback)',
          }),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    access: Type.Object(
      {
        sessionHours: Type.Number({
          minimum: 0.1,
          maximum: 720,
          default: 12,
          description: 'console sign-in lifetime, hours',
        }),
        secureCookies: Type.Boolean({
          default: false,
          description: 'mark the session cookie Secure: set true whenever the console is reached over HTTPS',
        }),
        loginAttemptsPerMinute: Type.Integer({
          minimum: 1,
          default: 10,
          description: 'sign-in attempts per client address',
        }),
        lockoutFailures: Type.Integer({
          minimum: 1,
          default: 5,
          description: 'wrong passwords for one account before it locks for the addresses that sent them',
        }),
        lockoutSeconds: Type.Integer({
          minimum: 1,
          default: 30,
          description: 'the first lock of an account, seconds; each further one doubles',
        }),
        lockoutMaxSeconds: Type.Integer({ minimum: 1, default: 900, description: 'the longest lock, seconds' }),
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
          description: 'minutes between purges of expired clips (audio, transcript, scores), each recorded as an act',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    mqtt: MqttConfig,
    enrolment: EnrolmentConfig,
    database: DatabaseConfig,
    storage: StorageConfig,
    ingest: Type.Object(
      {
        maxResends: Type.Integer({ minimum: 0, default: 3, description: 'whole-clip resends after a sha256 mismatch' }),
        abandonAfterHours: Type.Number({
          minimum: 0.001,
          default: 24,
          description: 'hours after which staged chunks of a transfer nobody finished are dropped',
        }),
        maxFinsInProgress: Type.Integer({
          minimum: 1,
          maximum: 256,
          default: 8,
          description:
            'fins (clip commits) processed at a time in the background; a further fin waits on the message path and so holds back the broker',
        }),
        maxOpenTransfersPerDevice: Type.Integer({
          minimum: 1,
          default: 32,
          description: "unfinished transfers one device may have staged; a further init is answered 'busy'",
        }),
        maxStagedBytesPerDevice: Type.Integer({
          minimum: 1024 * 1024,
          default: 512 * 1024 * 1024,
          description:
            "bytes one device's unfinished transfers may announce in total; a further init is answered 'busy'",
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    transcription: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'run the transcription worker in this process' }),
        concurrency: Type.Integer({ minimum: 1, maximum: 64, default: 1, description: 'clips transcribed at once' }),
        pollIntervalMs: Type.Integer({
          minimum: 10,
          default: 1000,
          description: 'ms between looks at the queue when idle',
        }),
        maxAttempts: Type.Integer({ minimum: 1, default: 5, description: 'attempts before a job is dead' }),
        initialDelayMs: Type.Integer({ minimum: 0, default: 10_000, description: 'first retry delay, ms (doubles)' }),
        maxDelayMs: Type.Integer({ minimum: 0, default: 3_600_000, description: 'longest retry delay, ms' }),
        defaultLanguage: Type.String({ default: 'en-US', description: 'for clips of devices without a store' }),
        engines: Type.Record(Type.String({ pattern: '^[a-z0-9_-]+$' }), EngineConfig, {
          default: { pocketsphinx: { type: 'pocketsphinx' } },
          description: 'engines by name: `pocketsphinx`, `openai` (OpenAI-compatible) or `yandex` (docs/server.md)',
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
        preSeconds: Type.Number({
          minimum: 0,
          default: 60,
          description: 'seconds of audio kept before a press, as on the devices',
        }),
        postSeconds: Type.Number({
          minimum: 0,
          default: 60,
          description: 'seconds of audio kept after a press, as on the devices',
        }),
        maxUploadBytes: Type.Integer({
          minimum: 1,
          default: 4 * 1024 ** 3,
          description: 'largest recording uploaded for import, bytes',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    fleet: FleetConfig,
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
          {
            default: [],
            description:
              "signed POSTs to a store's own system: `[{name, url, secret, events, includeTranscript: false}]` (README, Webhooks)",
          },
        ),
        maxAttempts: Type.Integer({
          minimum: 1,
          default: 10,
          description: 'deliveries tried (with backoff, Retry-After honoured) before one is kept as dead',
        }),
        timeoutSeconds: Type.Number({ minimum: 0.1, default: 10, description: 'seconds a delivery may take' }),
      },
      { additionalProperties: false, default: {} },
    ),
    questions: Type.Array(Question, {
      description: 'seeds the catalogue: `[{id, kind: nps|open|complaint|praise|custom, text: {en, ru}}]`',
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
        default: Buttons({ description: 'seeds the default button map: button -> question id' }),
        devices: Type.Record(Type.String(), Buttons(), {
          default: {},
          description: 'seeds per-device maps (versioned maps per store or device come through the API)',
        }),
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
