import { readFileSync } from 'node:fs';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

import { applyEnvOverrides, at, CONFIG_FILE_ENV, EnvValueError } from './env-overrides.js';

/**
 * Configuration in the zigbee2mqtt manner: one JSON file, every key overridable from the
 * environment under a name derived from the schema (env-overrides.ts), the result validated
 * against the schema before anything starts. No error quotes a value that may be a secret.
 */
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
  /** Told about `EARSHOT_*` variables that name no key (names only); stderr by default. */
  warn?: (message: string) => void;
}

export function loadConfig<S extends TSchema>(schema: S, options: LoadConfigOptions = {}): Static<S> {
  const env = options.env ?? process.env;
  const file = options.file ?? env[CONFIG_FILE_ENV];
  const raw: Record<string, unknown> = file ? readConfigFile(file) : {};
  let overrides: ReturnType<typeof applyEnvOverrides>;
  try {
    overrides = applyEnvOverrides(schema, raw, env);
  } catch (error) {
    if (error instanceof EnvValueError) throw new ConfigError(error.message, []);
    throw error;
  }
  const { origins, ignored } = overrides;
  if (ignored.length > 0) {
    const warn = options.warn ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
    warn(`ignoring ${ignored.join(', ')}: not configuration keys (see \`config --describe\`)`);
  }
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
    const value = looksSecret(path) ? ' (value not shown)' : describeValue(error.value);
    problems.push(`${path}: ${error.message}${value}${origin}`);
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
    throw new ConfigError(`config file ${file} is not valid JSON${at(error)}`, []);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file} must contain a JSON object`, []);
  }
  return parsed as Record<string, unknown>;
}

/** Keys whose values are never quoted in an error: passwords, tokens, keys, Wi-Fi secrets. */
function looksSecret(path: string): boolean {
  return /pass|secret|token|psk|key|credential|auth/i.test(path);
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
