import type { TSchema } from '@sinclair/typebox';

/**
 * Environment overrides whose names are derived from the schema (as zigbee2mqtt does): a name
 * applies only when it spells a path the schema has. Anything else under the prefix (a shell that
 * exported `EARSHOT_API_TOKEN` for provisioning, say) is reported by name and otherwise ignored,
 * so a stray variable never stops a command and its value is never echoed.
 *
 * `EARSHOT_MQTT__URL` sets `mqtt.url`: `__` separates levels and each property is spelled in
 * SNAKE_CASE (`preRollSeconds` -> `PRE_ROLL_SECONDS`). Below a record (keys chosen by the user,
 * e.g. device ids or engine names) the segment is the key: a key already present in the file is
 * matched ignoring case and `-`/`_`; a segment written with lower-case letters or `-` is taken as
 * written (`env 'EARSHOT_BUTTON_MAP__DEVICES__till-1={"1":"nps"}'`); otherwise it is lower-cased.
 */
export const ENV_PREFIX = 'EARSHOT_';
/** Names the config file; never treated as a config key. */
export const CONFIG_FILE_ENV = 'EARSHOT_CONFIG';

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
}

/** The config path an environment variable name spells, or undefined when it spells none. */
export function envPath(schema: TSchema, name: string, raw: Record<string, unknown>): string[] | undefined {
  if (!name.startsWith(ENV_PREFIX) || name === CONFIG_FILE_ENV) return undefined;
  const segments = name.slice(ENV_PREFIX.length).split('__');
  if (segments.some((s) => s.length === 0)) return undefined;
  return resolve(schema as SchemaNode, segments, raw);
}

function resolve(node: SchemaNode, segments: string[], given: unknown): string[] | undefined {
  const [segment, ...rest] = segments;
  if (segment === undefined) return [];
  for (const member of node.anyOf ?? []) {
    const path = resolve(member, segments, given);
    if (path !== undefined) return path;
  }
  const existing = isObject(given) ? given : {};
  const property = Object.entries(node.properties ?? {}).find(([key]) => snakeCase(key) === segment);
  if (property !== undefined) return follow(property[0], property[1], rest, existing);
  const record = Object.entries(node.patternProperties ?? {})[0];
  if (record === undefined) return undefined;
  const key = recordKey(segment, existing);
  if (!new RegExp(record[0]).test(key)) return undefined;
  return follow(key, record[1], rest, existing);
}

function follow(key: string, child: SchemaNode, rest: string[], existing: Record<string, unknown>) {
  const tail = resolve(child, rest, existing[key]);
  return tail === undefined ? undefined : [key, ...tail];
}

function recordKey(segment: string, existing: Record<string, unknown>): string {
  const known = Object.keys(existing).find((key) => normalise(key) === normalise(segment));
  if (known !== undefined) return known;
  return /[a-z-]/.test(segment) ? segment : segment.toLowerCase();
}

function normalise(key: string): string {
  return key.toUpperCase().replace(/-/g, '_');
}

/** `preRollSeconds` -> `PRE_ROLL_SECONDS`. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Writes every override that spells a schema path into `target`; returns the JSON pointer of each
 * key set -> the variable that set it, and the names that spell no key (never their values).
 */
export function applyEnvOverrides(
  schema: TSchema,
  target: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): { origins: Map<string, string>; ignored: string[] } {
  const origins = new Map<string, string>();
  const ignored: string[] = [];
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || name === CONFIG_FILE_ENV || text === undefined) continue;
    const path = envPath(schema, name, target);
    if (path === undefined || path.length === 0) {
      ignored.push(name);
      continue;
    }
    let node = target;
    for (const segment of path.slice(0, -1)) {
      const next = node[segment];
      if (!isObject(next)) node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
    node[path.at(-1) as string] = parseEnvValue(name, text);
    origins.set(`/${path.join('/')}`, name);
  }
  return { origins, ignored: ignored.sort() };
}

/** A value starting with `{` or `[` is JSON; scalars are converted later to the schema's type. */
function parseEnvValue(name: string, text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  try {
    return JSON.parse(trimmed);
  } catch (error) {
    // The parser's message can quote the text, which may be a secret: only the position is told.
    throw new EnvValueError(`environment variable ${name} looks like JSON but does not parse${at(error)}`);
  }
}

export class EnvValueError extends Error {
  override name = 'EnvValueError';
}

/** ` (at position N)` from a JSON.parse error, without any of the text it may quote. */
export function at(error: unknown): string {
  const position = /position (\d+)/.exec(String((error as Error).message));
  return position ? ` (at position ${position[1]})` : '';
}
