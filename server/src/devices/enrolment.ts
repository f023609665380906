import type { Database } from '../db/database.js';
import type { ButtonMap } from '../questions/button-map.js';
import { ClaimTokens } from './claim-tokens.js';
import { MqttAccounts } from './mqtt-accounts.js';

/** Where devices reach the broker, as the enrolment answer tells them. */
export interface BrokerForDevices {
  /** Configured URL; absent: the embedded broker at its configured listen address. */
  url: string | undefined;
  embedded: { host: string; port: number; tls: boolean } | undefined;
  root: string;
  /** PEM of a private CA the device must trust; absent for a public CA or plain MQTT. */
  caPem: string | undefined;
}

export class BrokerUrlError extends Error {
  override name = 'BrokerUrlError';
}

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

/**
 * The broker URL devices are told, from configuration only: a request's Host header is the
 * caller's to choose, and must not steer a device to another broker.
 */
export function brokerUrl(broker: BrokerForDevices): string {
  const { url, embedded } = broker;
  if (url !== undefined) return url;
  if (!embedded || WILDCARD_HOSTS.has(embedded.host)) {
    throw new BrokerUrlError('no broker URL for devices: set enrolment.brokerUrl (the broker as devices reach it)');
  }
  const host = embedded.host.includes(':') && !embedded.host.startsWith('[') ? `[${embedded.host}]` : embedded.host;
  return `${embedded.tls ? 'mqtts' : 'mqtt'}://${host}:${embedded.port}`;
}

/** What a device receives for its claim token: everything it needs to connect and record. */
export interface EnrolmentPackage {
  deviceId: string;
  mqtt: { url: string; root: string; username: string; password: string; caPem?: string };
  clips: { buttons: number };
}

/**
 * Trades a claim token for the device's MQTT account (a new password, the only time it is
 * shown) and its configuration. A retry by the same request gets a fresh password: the previous
 * answer never arrived, or if it did, the same device asks.
 */
export class Enrolment {
  private readonly tokens: ClaimTokens;
  private readonly accounts: MqttAccounts;

  constructor(
    private readonly db: Database,
    private readonly buttonMap: ButtonMap,
    private readonly broker: BrokerForDevices,
  ) {
    this.tokens = new ClaimTokens(db);
    this.accounts = new MqttAccounts(db);
  }

  async enrol(token: string, requestId: string): Promise<EnrolmentPackage & { retry: boolean }> {
    const url = brokerUrl(this.broker);
    const { deviceId, retry } = await this.tokens.claim(token, requestId);
    const password = await this.accounts.issue(deviceId, 'device');
    const { root, caPem } = this.broker;
    return {
      retry,
      deviceId,
      mqtt: {
        url,
        root,
        username: deviceId,
        password,
        ...(caPem === undefined ? {} : { caPem }),
      },
      clips: { buttons: await this.buttonCount(deviceId) },
    };
  }

  /** The highest button mapped to a question on the device now (its own map, its store's, the default). */
  private async buttonCount(deviceId: string): Promise<number> {
    const mapped = await this.buttonMap.mappedAt(deviceId);
    const highest = Math.max(0, ...Object.keys(mapped).map(Number));
    return Math.max(highest, 1);
  }
}
