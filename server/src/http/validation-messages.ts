import { timeBoundProblem, instantProblem } from '../time/strict-time.js';

/** What Ajv reports, with `verbose` on (the failing schema and the value it saw). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string | undefined;
  parentSchema?: Record<string, unknown> | undefined;
  data?: unknown;
}

/** Formats whose reader can say exactly what is wrong with a text. */
const FORMAT_PROBLEMS: Record<string, (text: string) => string | undefined> = {
  'date-time': instantProblem,
  'time-bound': (text) =>
    /^\d{4}-/.test(text)
      ? timeBoundProblem(text)
      : 'not a date or time: give a date such as 2026-03-01 (a whole local day) or a date and time such as 2026-03-01T09:30:00+03:00',
};

const FORMAT_NAMES: Record<string, string> = {
  uuid: 'a UUID',
  binary: 'binary data',
};

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/**
 * One validation failure in words: what was expected where, never a regular expression or
 * Ajv's `anyOf` bookkeeping. `part` is Fastify's name for where the value came from
 * (querystring, params, body, headers). A value from the address is echoed, one from a body
 * is not: a body may carry a password.
 */
export function describeSchemaErrors(errors: readonly SchemaError[], part: string): string {
  // A failed anyOf also reports each of its branches' failures: the anyOf alone says it.
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  const relevant = errors.filter(
    (e) =>
      e.keyword === 'anyOf' ||
      !unions.some((u) => e.schemaPath.startsWith(`${u.schemaPath}/`) && e.instancePath === u.instancePath),
  );
  const messages = relevant.map((error) => describeOne(error, part));
  return [...new Set(messages)].join('; ');
}

function describeOne(error: SchemaError, part: string): string {
  const where = `${part}${error.instancePath}`;
  const seen = part === 'body' || error.data === undefined ? '' : ` (got ${quote(error.data)})`;
  const described = typeof error.parentSchema?.description === 'string' ? error.parentSchema.description : undefined;
  switch (error.keyword) {
    case 'required':
      return `${where}/${String(error.params.missingProperty)} is required`;
    case 'additionalProperties':
      return `${where}: unknown field ${quote(error.params.additionalProperty)}`;
    case 'type':
      return `${where} must be ${TYPE_NAMES[String(error.params.type)] ?? String(error.params.type)}${seen}`;
    case 'anyOf':
    case 'enum': {
      const choices = choicesOf(error.parentSchema);
      if (choices.length > 0) return `${where} must be one of ${choices.map(quote).join(', ')}${seen}`;
      return `${where} ${described ? `must be ${described}` : 'is not in any of the accepted forms'}${seen}`;
    }
    case 'const':
      return `${where} must be ${quote(error.params.allowedValue)}${seen}`;
    case 'format': {
      const format = String(error.params.format);
      const problem = typeof error.data === 'string' ? FORMAT_PROBLEMS[format]?.(error.data) : undefined;
      if (problem) return `${where}: ${problem}${seen}`;
      return `${where} must be ${FORMAT_NAMES[format] ?? described ?? format}${seen}`;
    }
    case 'pattern':
      return `${where} must be ${described ?? 'in the documented form (see /docs)'}${seen}`;
    case 'minLength':
      return Number(error.params.limit) === 1
        ? `${where} must not be empty`
        : `${where} must be at least ${String(error.params.limit)} characters long`;
    case 'maxLength':
      return `${where} must be at most ${String(error.params.limit)} characters long`;
    case 'minimum':
      return `${where} must be at least ${String(error.params.limit)}${seen}`;
    case 'maximum':
      return `${where} must be at most ${String(error.params.limit)}${seen}`;
    case 'minItems':
      return `${where} must hold at least ${String(error.params.limit)} item(s)`;
    case 'maxItems':
      return `${where} must hold at most ${String(error.params.limit)} items`;
    default:
      return `${where} ${error.message ?? 'is not valid'}`;
  }
}

/** The literal values a union of constants (TypeBox's Union of Literals) or an enum allows. */
function choicesOf(schema: Record<string, unknown> | undefined): unknown[] {
  if (!schema) return [];
  if (Array.isArray(schema.enum)) return schema.enum;
  const branches = Array.isArray(schema.anyOf) ? (schema.anyOf as Record<string, unknown>[]) : [];
  return branches.every((branch) => 'const' in branch) ? branches.map((branch) => branch.const) : [];
}

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
