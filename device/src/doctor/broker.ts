import { readFileSync } from 'node:fs';
import { connect, type IClientOptions } from 'mqtt';
import { type MqttLogin, mqttLogin } from '../config/credentials-file.js';
import type { Check, CheckResult, DoctorContext } from './check.js';

const CONNECT_TIMEOUT_MS = 10_000;

/** MQTT 3.1.1 CONNACK refusals, the ones a technician can act on. */
const REFUSALS: Record<number, { summary: string; action: string }> = {
  1: { summary: 'the broker refused the protocol version', action: 'the broker must speak MQTT 3.1.1 or 5' },
  2: { summary: 'the broker refused the client id', action: 'check deviceId in the configuration' },
  3: { summary: 'the broker is unavailable', action: 'ask the server operator whether the broker is up' },
  4: {
    summary: 'the broker refused the credentials (bad username or password)',
    action: 'set mqtt.username and mqtt.password to this device’s credentials (earshot-server credentials issue)',
  },
  5: {
    summary: 'the broker refused the credentials (not authorized)',
    action:
      'set mqtt.username and mqtt.password to this device’s credentials (earshot-server credentials issue), or ask for them to be issued again',
  },
};

type Outcome = { connected: true } | { connected: false; code?: number; message: string };

function tryConnect(options: IClientOptions & { url: string }): Promise<Outcome> {
  return new Promise((resolve) => {
    const client = connect(options.url, options);
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end(true);
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ connected: false, message: `no answer in ${CONNECT_TIMEOUT_MS / 1000} s` }),
      CONNECT_TIMEOUT_MS,
    );
    client.once('connect', () => finish({ connected: true }));
    client.once('error', (error) => {
      const code = (error as { code?: unknown }).code;
      finish({ connected: false, message: error.message, ...(typeof code === 'number' ? { code } : {}) });
    });
  });
}

/**
 * Connects to the configured broker with the configured credentials, under a client id of its
 * own (the daemon's would take over the daemon's session), and tells a broker that cannot be
 * reached from one that refuses the credentials.
 */
export const broker: Check = {
  name: 'broker',
  async run({ config }: DoctorContext): Promise<CheckResult> {
    const { url, caFile } = config.mqtt;
    // The login the daemon uses: enrolled credentials first (a technician's doctor after first boot).
    let login: MqttLogin;
    try {
      login = mqttLogin(config);
    } catch (error) {
      return {
        check: this.name,
        status: 'fail',
        summary: `cannot use the enrolled credentials: ${(error as Error).message}`,
        action: 'run doctor as the service user (sudo -u earshot earshot-device doctor), or enrol this device again',
        details: { url },
      };
    }
    const { username, password } = login;
    const details = { url, username: username ?? null, credentials: login.source };
    let ca: Buffer | undefined;
    try {
      ca = caFile === undefined ? undefined : readFileSync(caFile);
    } catch (error) {
      return {
        check: this.name,
        status: 'fail',
        summary: `cannot read mqtt.caFile: ${(error as Error).message}`,
        action: 'fix mqtt.caFile in the configuration',
        details,
      };
    }
    const attempt = (password: string | undefined) =>
      tryConnect({
        url,
        clientId: `earshot-doctor-${config.deviceId}-${process.pid}`,
        protocolVersion: 4,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: CONNECT_TIMEOUT_MS,
        ...(username === undefined ? {} : { username }),
        ...(password === undefined ? {} : { password }),
        ...(ca === undefined ? {} : { ca }),
      });
    const outcome = await attempt(password);
    // After a rotation the daemon falls back on the previous password until the broker knows the new one.
    if (
      !outcome.connected &&
      (outcome.code === 4 || outcome.code === 5) &&
      login.previousPassword !== undefined &&
      (await attempt(login.previousPassword)).connected
    ) {
      return {
        check: this.name,
        status: 'warn',
        summary: `connected to ${url} as ${username ?? '?'} with the previous password only: the broker refuses the rotated one`,
        action:
          'on the server: earshot-server credentials mosquitto <passwd> <acl>, then reload the broker (systemctl reload mosquitto)',
        details: { ...details, refused: outcome.code },
      };
    }
    if (outcome.connected) {
      return {
        check: this.name,
        status: 'pass',
        summary: `connected to ${url}${username ? ` as ${username}` : ''}`,
        details,
      };
    }
    const refusal = outcome.code === undefined ? undefined : REFUSALS[outcome.code];
    if (refusal) {
      return {
        check: this.name,
        status: 'fail',
        summary: refusal.summary,
        action:
          login.source !== 'config' && (outcome.code === 4 || outcome.code === 5)
            ? `the enrolled credentials (${login.source}) were refused: have them rotated, or decommission and enrol this device again`
            : refusal.action,
        details: { ...details, refused: outcome.code },
      };
    }
    return {
      check: this.name,
      status: 'fail',
      summary: `cannot reach the broker at ${url}: ${outcome.message}`,
      action:
        'check the network (ping the server), the URL and port in mqtt.url, and that a firewall lets the port through',
      details: { ...details, error: outcome.message },
    };
  },
};
