import { EX_NOPERM, EX_UNAVAILABLE, StartupFailure } from '@earshot/shared/cli';
import type { MqttClient } from 'mqtt';

/** How long start-up waits for a broker that has not even accepted the TCP connection. */
const FIRST_CONNECTION_TIMEOUT_MS = 10_000;
/**
 * How long it waits for the login's answer from a broker that did accept the connection: one
 * busy with a fleet reconnecting at once (each device login a PBKDF2 check, one at a time in
 * Mosquitto) answers late, but answers. mqtt.js must not give up on the CONNECT sooner, or it
 * would queue a new one behind the fleet's again (see broker-client.ts).
 */
export const BUSY_BROKER_TIMEOUT_MS = 60_000;

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
    const busy = () =>
      fail(
        new StartupFailure(
          `MQTT broker ${url} accepted the connection but did not answer the login within ${BUSY_BROKER_TIMEOUT_MS / 1000} s: is it overloaded?`,
          EX_UNAVAILABLE,
        ),
      );
    let timer = setTimeout(() => {
      if (tcpConnected(client)) {
        timer = setTimeout(busy, BUSY_BROKER_TIMEOUT_MS - FIRST_CONNECTION_TIMEOUT_MS);
        return;
      }
      fail(
        new StartupFailure(
          `MQTT broker ${url} did not answer within ${FIRST_CONNECTION_TIMEOUT_MS / 1000} s: check mqtt.url and the network`,
          EX_UNAVAILABLE,
        ),
      );
    }, FIRST_CONNECTION_TIMEOUT_MS);
    client.once('connect', connected);
    client.on('error', failed);
  });
}

/** Whether the client's socket is open to the broker, its CONNECT sent and not yet answered. */
function tcpConnected(client: MqttClient): boolean {
  const stream = client.stream as { connecting?: boolean; destroyed?: boolean } | undefined;
  return stream !== undefined && stream.connecting === false && stream.destroyed !== true;
}
