import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigError } from '@earshot/shared/config';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Id } from '@earshot/shared/protocol';
import { syncDir, writeDurably } from '../storage/durable-write.js';
import type { DeviceConfig } from './device-config.js';

const MqttCredentials = Type.Object(
  {
    deviceId: Id,
    username: Type.String({ minLength: 1 }),
    password: Type.String({ minLength: 1 }),
    /**
     * The password the broker accepted before a rotation, kept until the broker accepts
     * `password` (an external broker learns it only when its password file is reloaded).
     */
    previousPassword: Type.Optional(Type.String({ minLength: 1 })),
    updatedAt: Type.String(),
  },
  { additionalProperties: false },
);
export type MqttCredentials = Static<typeof MqttCredentials>;
const check = TypeCompiler.Compile(MqttCredentials);

/**
 * The device's MQTT credentials, `<stateDir>/mqtt-credentials.json` (mode 0600), written by
 * `earshot-device enrol` and by credential rotation, read by the daemon at start. They take
 * precedence over mqtt.username/password in the config, which then holds no secret at all.
 */
export class CredentialsFile {
  readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, 'mqtt-credentials.json');
  }

  /** The stored credentials, or undefined when the device has not enrolled. */
  read(): MqttCredentials | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`${this.path}: not JSON`, [(error as Error).message]);
    }
    if (check.Check(value)) return value;
    const first = check.Errors(value).First();
    throw new ConfigError(`${this.path}: not a credentials file`, [
      `${first?.path || '/'}: ${first?.message ?? 'invalid'}`,
    ]);
  }

  /**
   * Atomically replaces the file: a power cut leaves the old credentials or the new, never half.
   * An undefined previousPassword leaves none in the file.
   */
  async write(credentials: Omit<MqttCredentials, 'updatedAt'>): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const { previousPassword, ...current } = credentials;
    const body: MqttCredentials = {
      ...current,
      ...(previousPassword === undefined ? {} : { previousPassword }),
      updatedAt: new Date().toISOString(),
    };
    await writeDurably(this.path, Buffer.from(`${JSON.stringify(body, null, 2)}\n`), 0o600);
    await syncDir(dirname(this.path));
  }
}

/** How the device logs in to the broker, and where that login came from. */
export interface MqttLogin {
  username: string | undefined;
  password: string | undefined;
  /** The password to fall back on while the broker refuses `password` (after a rotation). */
  previousPassword?: string | undefined;
  /** The credentials file's path, or `config` for mqtt.username/password. */
  source: string;
}

/**
 * The login the daemon and `doctor` use: the enrolled credentials when the state directory has
 * them (they win over the config), else mqtt.username/password from the config. Throws when the
 * file is unreadable, malformed, or another device's.
 */
export function mqttLogin(config: Pick<DeviceConfig, 'deviceId' | 'stateDir' | 'mqtt'>): MqttLogin {
  const file = new CredentialsFile(config.stateDir);
  const enrolled = file.read();
  if (!enrolled) return { username: config.mqtt.username, password: config.mqtt.password, source: 'config' };
  if (enrolled.deviceId !== config.deviceId) {
    throw new ConfigError(`${file.path} belongs to device ${enrolled.deviceId}`, [
      `/deviceId: the config says ${config.deviceId}; enrol this device again or fix deviceId`,
    ]);
  }
  return {
    username: enrolled.username,
    password: enrolled.password,
    previousPassword: enrolled.previousPassword,
    source: file.path,
  };
}
