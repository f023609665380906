import { EX_NOPERM, EX_UNAVAILABLE, StartupFailure } from '@earshot/shared/cli';
import type { MqttClient } from 'mqtt';

/** How long the first connection may take before start-up gives up. */
const FIRST_CONNECTION_TIMEOUT_MS = 10_000;

/** CONNACK codes that mean "not with these credentials": MQTT 3.1.1 4 and 5, MQTT 5 134 and 135. */
const LOGIN_REFUSED = new Set<unknown>([4, 5, 134, 135]);

/**
 * Waits for the client's first connection. Later drops are the client's to retry, but at start-up
 * a broker that is not there, or refuses our login, is a configuration to fix: the server must
 * not run on without its ingest, so the first failure ends the wait with a line that says which.
 * `url` is shown as configured; it carries no password (that is its own key).
 */
export function firstConnection(client: MqttClient, url: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (failure: StartupFailure) => {
      clearTimeout(timer);
      client.removeListener('connect', connected);
      client.removeListener('error', failed);
      client.end(true);
      reject(failure);
    };
    const connected = () => {
      clearTimeout(timer);
      client.removeListener('error', failed);
      resolve();
    };
    const failed = (error: Error & { code?: unknown }) => {
      if (LOGIN_REFUSED.has(error.code)) {
        fail(
          new StartupFailure(
            `MQTT broker ${url} refused the server's login (${error.message}): check mqtt.username and mqtt.password`,
            EX_NOPERM,
            { cause: error },
          ),
        );
      } else {
        const code = typeof error.code === 'string' ? error.code : error.message;
        fail(
          new StartupFailure(
            `MQTT broker ${url} is unreachable (${code}): is it running? check mqtt.url`,
            EX_UNAVAILABLE,
            { cause: error },
          ),
        );
      }
    };
    const timer = setTimeout(
      () =>
        fail(
          new StartupFailure(
            `MQTT broker ${url} did not answer within ${FIRST_CONNECTION_TIMEOUT_MS / 1000} s: check mqtt.url and the network`,
            EX_UNAVAILABLE,
          ),
        ),
      FIRST_CONNECTION_TIMEOUT_MS,
    );
    client.once('connect', connected);
    client.on('error', failed);
  });
}
