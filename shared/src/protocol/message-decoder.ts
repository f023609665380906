import type { Static, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { ClipAck, ClipFin, ClipInit } from './clip-messages.js';
import { DeviceHeartbeat, DeviceStatus } from './device-reports.js';
import {
  ConfigState,
  CredentialsRequest,
  CredentialsResponse,
  PressRequest,
  PressResponse,
  RemoteConfig,
} from './server-requests.js';

export class MessageError extends Error {
  override name = 'MessageError';
}

/**
 * What a decoder does with fields its schema does not name. `ignore` is for reports a device
 * sends about itself (status, heartbeat): a newer device may add fields an older server does not
 * know, and must not lose its heartbeat for it. Everything else refuses them: an unknown setting
 * silently skipped would be reported as applied, and an unknown clip field may change what the
 * bytes mean.
 */
export type UnknownFields = 'refuse' | 'ignore';

/** Parses and validates a JSON payload; the error says which field was wrong and how. */
export class MessageDecoder<S extends TSchema> {
  private readonly check: TypeCheck<S>;
  constructor(
    private readonly what: string,
    private readonly schema: S,
    private readonly unknownFields: UnknownFields = 'refuse',
  ) {
    this.check = TypeCompiler.Compile(schema);
  }

  decode(payload: Buffer | string): Static<S> {
    let value: unknown;
    try {
      value = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
    } catch (error) {
      throw new MessageError(`${this.what}: malformed JSON (${(error as Error).message})`);
    }
    // Dropped rather than kept: nothing downstream stores or shows what it cannot interpret.
    if (this.unknownFields === 'ignore') value = Value.Clean(this.schema, value);
    if (this.check.Check(value)) return value;
    const first = this.check.Errors(value).First();
    throw new MessageError(`${this.what}: ${first ? `${first.path || '/'}: ${first.message}` : 'invalid'}`);
  }
}

export const decoders = {
  clipInit: new MessageDecoder('clip init', ClipInit),
  clipFin: new MessageDecoder('clip fin', ClipFin),
  clipAck: new MessageDecoder('clip ack', ClipAck),
  deviceStatus: new MessageDecoder('device status', DeviceStatus, 'ignore'),
  deviceHeartbeat: new MessageDecoder('device heartbeat', DeviceHeartbeat, 'ignore'),
  remoteConfig: new MessageDecoder('remote config', RemoteConfig),
  configState: new MessageDecoder('config state', ConfigState),
  credentialsRequest: new MessageDecoder('credentials request', CredentialsRequest),
  credentialsResponse: new MessageDecoder('credentials response', CredentialsResponse),
  pressRequest: new MessageDecoder('press request', PressRequest),
  pressResponse: new MessageDecoder('press response', PressResponse),
};
