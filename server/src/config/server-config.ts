import { ConfigError, type LoadConfigOptions, LogLevelSchema, loadConfig } from '@earshot/shared/config';
import { validateRoot } from '@earshot/shared/protocol';
import { type Static, Type } from '@sinclair/typebox';

const QuestionKind = Type.Union([
  Type.Literal('nps'),
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
  },
  { additionalProperties: false },
);

/** Button number -> question id. */
const Buttons = Type.Record(Type.String({ pattern: '^[1-9][0-9]?$' }), Type.String());

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
    database: Type.Object(
      {
        url: Type.Optional(Type.String({ description: 'sqlite:<path>; default <dataDir>/earshot.db' })),
      },
      { additionalProperties: false, default: {} },
    ),
    storage: Type.Object(
      {
        dir: Type.Optional(Type.String({ description: 'clip audio directory; default <dataDir>/clips' })),
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
