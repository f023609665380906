import type { Static, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
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

/** Parses and validates a JSON payload; the error says which field was wrong and how. */
export class MessageDecoder<S extends TSchema> {
  private readonly check: TypeCheck<S>;
  constructor(
    private readonly what: string,
    schema: S,
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
    if (this.check.Check(value)) return value;
    const first = this.check.Errors(value).First();
    throw new MessageError(`${this.what}: ${first ? `${first.path || '/'}: ${first.message}` : 'invalid'}`);
  }
}

export const decoders = {
  clipInit: new MessageDecoder('clip init', ClipInit),
  clipFin: new MessageDecoder('clip fin', ClipFin),
  clipAck: new MessageDecoder('clip ack', ClipAck),
  deviceStatus: new MessageDecoder('device status', DeviceStatus),
  deviceHeartbeat: new MessageDecoder('device heartbeat', DeviceHeartbeat),
  remoteConfig: new MessageDecoder('remote config', RemoteConfig),
  configState: new MessageDecoder('config state', ConfigState),
  credentialsRequest: new MessageDecoder('credentials request', CredentialsRequest),
  credentialsResponse: new MessageDecoder('credentials response', CredentialsResponse),
  pressRequest: new MessageDecoder('press request', PressRequest),
  pressResponse: new MessageDecoder('press response', PressResponse),
};
