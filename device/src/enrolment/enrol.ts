import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Id } from '@earshot/shared/protocol';
import { CredentialsFile } from '../config/credentials-file.js';
import { syncDir, writeDurably } from '../storage/durable-write.js';

/** What the server answers to a claim (server/src/http/routes/enrolment.ts). */
const EnrolmentAnswer = Type.Object({
  deviceId: Id,
  mqtt: Type.Object({
    url: Type.String({ pattern: '^(mqtts?|wss?|tcp|ssl)://' }),
    root: Type.String({ minLength: 1 }),
    username: Type.String({ minLength: 1 }),
    password: Type.String({ minLength: 1 }),
    caPem: Type.Optional(Type.String()),
  }),
  clips: Type.Object({ buttons: Type.Integer({ minimum: 1, maximum: 64 }) }),
});
type EnrolmentAnswer = Static<typeof EnrolmentAnswer>;
const checkAnswer = TypeCompiler.Compile(EnrolmentAnswer);

export class EnrolmentError extends Error {
  override name = 'EnrolmentError';
}

export interface EnrolOptions {
  /** The server's HTTP base URL, e.g. https://earshot.example.com */
  server: string;
  token: string;
  stateDir: string;
  /** A device config to create or update with what the server sent (no secret goes there). */
  configOut: string | undefined;
  /** Attempts through network errors, 5xx and 429 before giving up. */
  attempts?: number;
  firstDelayMs?: number;
  log: (line: string) => void;
}

/**
 * `earshot-device enrol`: trades the one-time claim token for this device's MQTT credentials and
 * configuration. Safe to run again after a network error: the request id is kept in the state
 * directory until enrolment succeeds, and the server lets the same request claim again.
 */
export async function enrol(options: EnrolOptions): Promise<EnrolmentAnswer> {
  const url = enrolUrl(options.server);
  await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  const requestIdFile = join(options.stateDir, 'enrol-request-id');
  const requestId = await persistentRequestId(requestIdFile);
  const answer = await claim(url, options.token, requestId, options);

  let caFile: string | undefined;
  if (answer.mqtt.caPem !== undefined) {
    caFile = resolve(options.stateDir, 'mqtt-ca.pem');
    await writeDurably(caFile, Buffer.from(answer.mqtt.caPem), 0o644);
  }
  const credentials = new CredentialsFile(options.stateDir);
  await credentials.write({
    deviceId: answer.deviceId,
    username: answer.mqtt.username,
    password: answer.mqtt.password,
  });
  await rm(requestIdFile, { force: true });
  await syncDir(options.stateDir);
  options.log(`enrolled as ${answer.deviceId}; broker ${answer.mqtt.url}; credentials in ${credentials.path}`);

  if (options.configOut !== undefined) {
    const config = await readJsonObject(options.configOut);
    const mqtt = (typeof config.mqtt === 'object' && config.mqtt !== null ? config.mqtt : {}) as Record<
      string,
      unknown
    >;
    const clips = (typeof config.clips === 'object' && config.clips !== null ? config.clips : {}) as Record<
      string,
      unknown
    >;
    // The password lives in the credentials file only; any old one here would be ignored.
    delete mqtt.password;
    delete mqtt.username;
    const updated = {
      ...config,
      deviceId: answer.deviceId,
      stateDir: resolve(options.stateDir),
      mqtt: { ...mqtt, url: answer.mqtt.url, root: answer.mqtt.root, ...(caFile ? { caFile } : {}) },
      clips: { ...clips, buttons: answer.clips.buttons },
    };
    await mkdir(dirname(options.configOut), { recursive: true });
    await writeDurably(options.configOut, Buffer.from(`${JSON.stringify(updated, null, 2)}\n`), 0o644);
    await syncDir(dirname(options.configOut));
    options.log(`configuration written to ${options.configOut}`);
  }
  return answer;
}

function enrolUrl(server: string): string {
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new EnrolmentError(`--server: "${server}" is not a URL (e.g. https://earshot.example.com)`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new EnrolmentError(`--server: "${server}" must be an http:// or https:// URL`);
  }
  return new URL('api/v1/enrol', base.href.endsWith('/') ? base.href : `${base.href}/`).href;
}

async function persistentRequestId(file: string): Promise<string> {
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (/^[A-Za-z0-9_-]{16,64}$/.test(existing)) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const id = randomBytes(18).toString('base64url');
  await writeDurably(file, Buffer.from(id), 0o600);
  // Durable before the claim: a power cut after it must not make a new request of a used token.
  await syncDir(dirname(file));
  return id;
}

async function claim(url: string, token: string, requestId: string, options: EnrolOptions): Promise<EnrolmentAnswer> {
  const attempts = options.attempts ?? 8;
  let delayMs = options.firstDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    let problem: string;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, requestId }),
        signal: AbortSignal.timeout(30_000),
      });
      const body: unknown = await response.json().catch(() => undefined);
      if (response.ok) {
        if (checkAnswer.Check(body)) return body;
        const first = checkAnswer.Errors(body).First();
        throw new EnrolmentError(`the server's answer is not an enrolment: ${first?.path || '/'}: ${first?.message}`);
      }
      const said = (body as { error?: unknown } | undefined)?.error;
      const reason = `${response.status}${typeof said === 'string' ? `: ${said}` : ''}`;
      if (response.status < 500 && response.status !== 429) throw new EnrolmentError(`enrolment refused (${reason})`);
      problem = `server answered ${reason}`;
    } catch (error) {
      if (error instanceof EnrolmentError) throw error;
      problem = `cannot reach ${url}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`;
    }
    if (attempt >= attempts) throw new EnrolmentError(`${problem}; gave up after ${attempt} attempts`);
    options.log(`${problem}; trying again in ${Math.round(delayMs / 1000)} s`);
    await sleep(delayMs);
    delayMs = Math.min(delayMs * 2, 30_000);
  }
}

async function readJsonObject(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const value = JSON.parse(text) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EnrolmentError(`--config-out: ${path} holds no JSON object`);
  }
  return value as Record<string, unknown>;
}
