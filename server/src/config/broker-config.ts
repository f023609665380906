import { Type } from '@sinclair/typebox';

/** The MQTT side of the server: its broker (embedded or external) and its own login. */
export const MqttConfig = Type.Object(
  {
    embedded: Type.Boolean({ default: true, description: 'run the aedes broker in this process' }),
    host: Type.String({ default: '0.0.0.0', description: 'embedded broker: listen address' }),
    // Not 1883: that is Mosquitto's, which scripts/setup starts (and a scale-out site runs).
    port: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 1884,
      description: 'embedded broker: TCP port (1883 is left to Mosquitto)',
    }),
    url: Type.Optional(
      Type.String({
        pattern: '^(mqtts?|wss?|tcp|ssl)://',
        description: 'external broker (`mqtt://`, `mqtts://`), required when `embedded` is false',
      }),
    ),
    root: Type.String({ default: 'earshot', description: 'topic root, at most two levels, no `$`' }),
    username: Type.Optional(Type.String({ description: "the server's own broker login" })),
    password: Type.Optional(Type.String({ description: "the server's own broker password" })),
    maxMessageBytes: Type.Integer({
      minimum: 1024,
      default: 256 * 1024,
      description: 'embedded broker: larger publishes are refused, bytes',
    }),
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
);

/** How devices enrol and have their credentials rotated. */
export const EnrolmentConfig = Type.Object(
  {
    brokerUrl: Type.Optional(
      Type.String({
        pattern: '^(mqtts?|wss?|tcp|ssl)://',
        description:
          'the broker as devices reach it; default: the embedded broker at `mqtt.host` when that is a specific address (never the Host a request names)',
      }),
    ),
    caFile: Type.Optional(Type.String({ description: 'PEM CA handed to enrolling devices (default mqtt.tls.caFile)' })),
    tokenHours: Type.Number({
      minimum: 0.01,
      maximum: 720,
      default: 24,
      description: 'claim token lifetime, and the longest a caller may ask for, hours',
    }),
    attemptsPerMinute: Type.Integer({ minimum: 1, default: 10, description: 'enrolment calls per client address' }),
    rotationTimeoutSeconds: Type.Number({
      minimum: 1,
      default: 15,
      description: "seconds a credential rotation waits for the device's answer",
    }),
  },
  { additionalProperties: false, default: {} },
);
