import { readFileSync } from 'node:fs';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Configuration in the zigbee2mqtt manner: one JSON file, every key overridable from the
 * environment, the result validated against a schema before anything starts.
 *
 * `EARSHOT_MQTT__URL=mqtt://host` sets `mqtt.url`: `__` separates levels and SNAKE_CASE segments
 * become camelCase (`EARSHOT_AUDIO__PRE_ROLL_SECONDS` -> `audio.preRollSeconds`). A value that
 * starts with `{` or `[` is parsed as JSON; scalars are converted to the type the schema asks for.
 */
export const ENV_PREFIX = 'EARSHOT_';
/** Names the config file; never treated as a config key. */
export const CONFIG_FILE_ENV = 'EARSHOT_CONFIG';

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(problems.length > 0 ? `${message}:\n  ${problems.join('\n  ')}` : message);
  }
}

export interface LoadConfigOptions {
  /** Path of a JSON config file; optional when defaults and environment suffice. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export function loadConfig<S extends TSchema>(schema: S, options: LoadConfigOptions = {}): Static<S> {
  const env = options.env ?? process.env;
  const file = options.file ?? env[CONFIG_FILE_ENV];
  const raw: Record<string, unknown> = file ? readConfigFile(file) : {};
  const origins = applyEnvOverrides(raw, env);
  return validateConfig(schema, raw, { file, origins });
}

interface Provenance {
  file: string | undefined;
  /** JSON pointer of an overridden key -> the environment variable that set it. */
  origins: Map<string, string>;
}

export function validateConfig<S extends TSchema>(
  schema: S,
  raw: unknown,
  provenance: Provenance = { file: undefined, origins: new Map() },
): Static<S> {
  const value = Value.Convert(schema, Value.Default(schema, structuredClone(raw)));
  if (Value.Check(schema, value)) return value;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, value)) {
    const path = error.path || '/';
    if (seen.has(path)) continue;
    seen.add(path);
    const origin = originOf(path, provenance);
    problems.push(`${path}: ${error.message}${describeValue(error.value)}${origin}`);
  }
  throw new ConfigError(`invalid configuration${provenance.file ? ` in ${provenance.file}` : ''}`, problems);
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      [],
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(error as Error).message}`, []);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file} must contain a JSON object`, []);
  }
  return parsed as Record<string, unknown>;
}

function applyEnvOverrides(target: Record<string, unknown>, env: NodeJS.ProcessEnv): Map<string, string> {
  const origins = new Map<string, string>();
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || name === CONFIG_FILE_ENV || text === undefined) continue;
    const segments = name.slice(ENV_PREFIX.length).split('__').map(camelCase);
    if (segments.some((s) => s.length === 0)) continue;
    let node = target;
    for (const segment of segments.slice(0, -1)) {
      const next = node[segment];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
    node[segments.at(-1) as string] = parseEnvValue(name, text);
    origins.set(`/${segments.join('/')}`, name);
  }
  return origins;
}

function parseEnvValue(name: string, text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  try {
    return JSON.parse(trimmed);
  } catch (error) {
    throw new ConfigError(
      `environment variable ${name} looks like JSON but does not parse: ${(error as Error).message}`,
      [],
    );
  }
}

function camelCase(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function describeValue(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return ` (got ${text !== undefined && text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

function originOf(path: string, provenance: Provenance): string {
  for (const [pointer, name] of provenance.origins) {
    if (path === pointer || path.startsWith(`${pointer}/`)) return ` [set by ${name}]`;
  }
  return provenance.file ? ` [in ${provenance.file}]` : '';
}
