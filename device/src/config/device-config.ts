import { ConfigError, type LoadConfigOptions, LogLevelSchema, loadConfig } from '@earshot/shared/config';
import {
  DEFAULT_CHUNK_BYTES,
  ID_PATTERN,
  MAX_CHUNK_BYTES,
  MIN_CHUNK_BYTES,
  validateRoot,
} from '@earshot/shared/protocol';
import { type Static, Type } from '@sinclair/typebox';
import { PAGE_LANGUAGES } from '../buttons/page-text.js';
import { InputsConfig, inputProblems } from '../buttons/input-config.js';
import { FeedbackConfig, feedbackProblems } from '../feedback/feedback-config.js';

const Seconds = (defaultValue: number, description: string) =>
  Type.Number({ minimum: 0, maximum: 600, default: defaultValue, description });

export const RecorderSourceConfig = Type.Object(
  {
    type: Type.Literal('recorder', { description: 'a microphone through arecord/sox' }),
    recorder: Type.Union([Type.Literal('arecord'), Type.Literal('sox')], {
      default: 'arecord',
      description: 'arecord (ALSA, the right choice on a Pi) or sox',
    }),
    device: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "capture device **by name**: `plughw:CARD=Device,DEV=0` (see `arecord -L`); card numbers change between boots, names do not; default: the recorder's own",
      }),
    ),
    stallSeconds: Type.Number({
      minimum: 0.5,
      default: 5,
      description: 'seconds without bytes that count as a failure (a hung driver, an unplugged USB mic)',
    }),
    restartInitialSeconds: Type.Number({
      minimum: 0.05,
      default: 0.5,
      description: 'first restart delay, seconds; doubles per failure, back to this after 30 s of healthy capture',
    }),
    restartMaxSeconds: Type.Number({ minimum: 0.05, default: 30, description: 'longest restart delay, seconds' }),
  },
  { additionalProperties: false },
);

export const FileSourceConfig = Type.Object(
  {
    type: Type.Literal('file', { description: 'a recording played as a microphone (demo, tests)' }),
    path: Type.String({ minLength: 1, description: 'WAV or raw S16LE file played as if it were a microphone' }),
    loop: Type.Boolean({ default: true, description: 'start again at the end' }),
    pace: Type.Union([Type.Literal('realtime'), Type.Literal('unpaced')], {
      default: 'realtime',
      description: 'realtime: as a microphone would; unpaced: as fast as it is read',
    }),
  },
  { additionalProperties: false },
);

const ButtonWindow = Type.Object(
  {
    preSeconds: Type.Optional(Seconds(60, 'audio kept before the press')),
    postSeconds: Type.Optional(Seconds(60, 'audio kept after the press')),
    label: Type.Optional(Type.String({ maxLength: 60 })),
  },
  { additionalProperties: false },
);

export const DeviceConfigSchema = Type.Object(
  {
    deviceId: Type.String({
      pattern: ID_PATTERN,
      description: 'unique id: letters, digits, `_`, `-`; a topic level',
    }),
    stateDir: Type.String({ minLength: 1, default: '/var/lib/earshot', description: 'outbox and state' }),
    logLevel: LogLevelSchema,
    audio: Type.Object(
      {
        source: Type.Union([RecorderSourceConfig, FileSourceConfig], {
          default: { type: 'recorder' },
          description:
            '`recorder`: `{recorder: arecord|sox, device: "plughw:CARD=…,DEV=0", stallSeconds: 5, restartInitialSeconds: 0.5, restartMaxSeconds: 30}`; `file`: `{path, loop: true, pace: realtime|unpaced}` plays a WAV/raw file as a microphone',
        }),
        sampleRate: Type.Integer({
          minimum: 8000,
          maximum: 48000,
          default: 16000,
          description: 'capture rate, Hz (always S16LE; 16 kHz mono is what speech-to-text wants)',
        }),
        channels: Type.Integer({ minimum: 1, maximum: 2, default: 1, description: 'capture channels' }),
        bufferSeconds: Type.Number({
          minimum: 1,
          maximum: 900,
          default: 150,
          description: 'seconds of audio in the RAM ring; must hold the longest clip plus 5 s (checked at start)',
        }),
        micDeadSeconds: Type.Number({
          minimum: 1,
          default: 30,
          description: 'seconds of digital silence that report the microphone dead',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    clips: Type.Object(
      {
        preSeconds: Seconds(60, 'seconds of audio kept before a press'),
        postSeconds: Seconds(60, 'seconds of audio kept after a press'),
        buttons: Type.Integer({ minimum: 1, maximum: 64, default: 8, description: 'logical buttons 1..N' }),
        perButton: Type.Record(Type.String({ pattern: '^[1-9][0-9]?$' }), ButtonWindow, {
          default: {},
          description: 'per-button overrides: `{"2": {"preSeconds": 30, "postSeconds": 90, "label": "Improve?"}}`',
        }),
        format: Type.Union([Type.Literal('opus'), Type.Literal('wav')], {
          default: 'opus',
          description: 'opus: Ogg/Opus through opusenc (opus-tools); wav: uncompressed',
        }),
        opusBitrateKbps: Type.Integer({
          minimum: 6,
          maximum: 256,
          default: 24,
          description: 'Opus target bitrate (VBR), kbit/s',
        }),
        cancelWithinSeconds: Type.Number({
          minimum: 0,
          default: 180,
          description:
            'seconds after a press during which the cancel gesture can still void its clip (if not yet delivered)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    mqtt: Type.Object(
      {
        url: Type.String({
          default: 'mqtt://127.0.0.1:1884',
          pattern: '^(mqtts?|wss?|tcp|ssl)://',
          description: 'the broker',
        }),
        root: Type.String({ default: 'earshot', description: 'topic root (must match the server)' }),
        username: Type.Optional(
          Type.String({ description: 'device login; `<stateDir>/mqtt-credentials.json` (written by `enrol`) wins' }),
        ),
        password: Type.Optional(Type.String({ description: 'device password; the credentials file wins' })),
        chunkBytes: Type.Integer({
          minimum: MIN_CHUNK_BYTES,
          maximum: MAX_CHUNK_BYTES,
          default: DEFAULT_CHUNK_BYTES,
          description: 'bytes of a clip per message; at most 120 KiB (AWS IoT Core refuses over 128 KB)',
        }),
        inflight: Type.Integer({ minimum: 1, maximum: 64, default: 8, description: 'chunks awaiting PUBACK at once' }),
        ackTimeoutSeconds: Type.Number({
          minimum: 0.1,
          default: 10,
          description: "seconds to wait for the server's answer to a fin before asking again",
        }),
        publishesPerSecond: Type.Number({
          minimum: 1,
          default: 50,
          description: 'publish rate limit (AWS IoT Core allows 100/s)',
        }),
        reconnectMinSeconds: Type.Number({
          minimum: 0.01,
          default: 1,
          description: 'first reconnection delay, seconds (exponential backoff with full jitter)',
        }),
        reconnectMaxSeconds: Type.Number({
          minimum: 0.01,
          default: 300,
          description: 'longest reconnection delay, seconds',
        }),
        heartbeatSeconds: Type.Number({
          minimum: 1,
          default: 60,
          description: 'seconds between heartbeats (version, uptime, mic health, outbox backlog, free disk, clock)',
        }),
        caFile: Type.Optional(Type.String({ description: 'PEM CA file for `mqtts://` with a private CA' })),
      },
      { additionalProperties: false, default: {} },
    ),
    outbox: Type.Object(
      {
        quotaMegabytes: Type.Number({
          minimum: 1,
          default: 1024,
          description:
            'megabytes of disk for clips not yet confirmed; when full, new clips are refused with an alarm and a record (the oldest are kept)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    http: Type.Object(
      {
        host: Type.String({
          default: '127.0.0.1',
          description: 'the local button endpoint and on-screen buttons; keep it local',
        }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8081, description: 'its TCP port' }),
        allowedHosts: Type.Array(Type.String({ minLength: 1 }), {
          default: [],
          description:
            'host names (besides IP addresses and `localhost`) the on-screen page may be opened by; presses from other sites are refused',
        }),
        language: Type.Union(
          PAGE_LANGUAGES.map((l) => Type.Literal(l)),
          { default: 'en', description: 'language of the on-screen buttons page: `en` or `ru`' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    inputs: InputsConfig,
    feedback: FeedbackConfig,
  },
  { additionalProperties: false },
);

export type DeviceConfig = Static<typeof DeviceConfigSchema>;

/** Where scripts/install-service puts the configuration (and its earshot-device command looks). */
export const INSTALLED_CONFIG = '/etc/earshot/device.json';

/**
 * Loads, validates and cross-checks the device configuration. With no file named at all, an
 * invalid result (no deviceId) says how to name one: that is nearly always the cause.
 */
export function loadDeviceConfig(options: LoadConfigOptions): DeviceConfig {
  const named = options.file ?? (options.env ?? process.env).EARSHOT_CONFIG;
  let config: DeviceConfig;
  try {
    config = loadConfig(DeviceConfigSchema, options);
  } catch (error) {
    if (!(error instanceof ConfigError) || named !== undefined) throw error;
    throw new ConfigError(
      `no config file named (pass --config FILE or set EARSHOT_CONFIG; an installed device's is ${INSTALLED_CONFIG}, which the installed earshot-device command reads by itself), and without one the configuration is invalid`,
      error.problems,
    );
  }
  const problems = checkDeviceConfig(config);
  if (problems.length > 0) throw new ConfigError('invalid configuration', problems);
  return config;
}

/** What is wrong with a configuration beyond its schema (cross-field rules). */
export function checkDeviceConfig(config: DeviceConfig): string[] {
  const problems: string[] = [];
  const rootProblem = validateRoot(config.mqtt.root);
  if (rootProblem) problems.push(`/mqtt/root: ${rootProblem} (got ${JSON.stringify(config.mqtt.root)})`);
  let longest = 0;
  for (let button = 1; button <= config.clips.buttons; button++) {
    const { preSeconds, postSeconds } = windowFor(config, button);
    longest = Math.max(longest, preSeconds + postSeconds);
  }
  for (const key of Object.keys(config.clips.perButton)) {
    if (Number(key) > config.clips.buttons) {
      problems.push(`/clips/perButton/${key}: button ${key} does not exist (clips.buttons is ${config.clips.buttons})`);
    }
  }
  if (config.audio.bufferSeconds < longest + 5) {
    problems.push(
      `/audio/bufferSeconds: ${config.audio.bufferSeconds} s cannot hold the longest clip (${longest} s) plus 5 s of margin`,
    );
  }
  problems.push(...inputProblems(config.inputs, config.clips.buttons));
  const arduinoPorts = config.inputs.flatMap((input) => (input.type === 'arduino' ? [input.port] : []));
  problems.push(...feedbackProblems(config.feedback, arduinoPorts));
  return problems;
}

export function windowFor(config: DeviceConfig, button: number): { preSeconds: number; postSeconds: number } {
  const own = config.clips.perButton[String(button)];
  return {
    preSeconds: own?.preSeconds ?? config.clips.preSeconds,
    postSeconds: own?.postSeconds ?? config.clips.postSeconds,
  };
}
