import type { TSchema } from '@sinclair/typebox';
import { EX_USAGE } from '../cli/exit-codes.js';

/** One configuration key as the reference lists it. */
export interface ConfigKeyDescription {
  /** Dotted path, e.g. `mqtt.url`. */
  key: string;
  /** The default as written in a config file, `(required)`, or `—` for none. */
  default: string;
  meaning: string;
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  anyOf?: SchemaNode[];
  const?: unknown;
  default?: unknown;
  description?: string;
}

/**
 * The configuration reference, read from the schema itself: every key with its default and its
 * description, so the documentation cannot drift from what the program accepts. Objects are
 * walked down to their leaves; a union, record or array is one key (its description says what
 * goes in it). A union of literals lists its choices.
 */
export function describeConfig(schema: TSchema, prefix = ''): ConfigKeyDescription[] {
  const rows: ConfigKeyDescription[] = [];
  walk(schema, prefix, true, rows);
  return rows;
}

/** The reference as a Markdown table (key, default, meaning). */
export function configTable(schema: TSchema): string {
  return markdownTable(describeConfig(schema));
}

/** Rows of a reference (all of one, or a part) as a Markdown table. */
export function markdownTable(rows: ConfigKeyDescription[]): string {
  const lines = ['| key | default | meaning |', '| --- | --- | --- |'];
  for (const row of rows) {
    lines.push(`| \`${row.key}\` | ${cell(row.default)} | ${cell(row.meaning)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Markers around a generated section of a Markdown file: `<!-- config:<name>:start -->` … `end`. */
export function sectionMarkers(name: string): { start: string; end: string } {
  return { start: `<!-- config:${name}:start -->`, end: `<!-- config:${name}:end -->` };
}

/** The text between a section's markers, or undefined when the file has none. */
export function markedSection(text: string, name: string): string | undefined {
  const { start, end } = sectionMarkers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return undefined;
  return text.slice(from + start.length, to).replace(/^\n/, '');
}

/** `text` with the section between its markers replaced by `content`. */
export function replaceMarkedSection(text: string, name: string, content: string): string {
  const { start, end } = sectionMarkers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`no ${start} … ${end} section`);
  return `${text.slice(0, from + start.length)}\n${content}${text.slice(to)}`;
}

function walk(node: SchemaNode, path: string, required: boolean, rows: ConfigKeyDescription[], given?: unknown): void {
  if (node.type === 'object' && node.properties !== undefined && !(path !== '' && isLeafObject(node))) {
    const requiredKeys = new Set(node.required ?? []);
    // An object's own default (e.g. a whole button map) gives its keys theirs.
    const defaults = (node.default ?? given) as Record<string, unknown> | undefined;
    for (const [key, child] of Object.entries(node.properties)) {
      walk(child, path === '' ? key : `${path}.${key}`, requiredKeys.has(key), rows, defaults?.[key]);
    }
    return;
  }
  rows.push(
    row(node.default === undefined && given !== undefined ? { ...node, default: given } : node, path, required),
  );
}

/** An object with no properties of its own to list (e.g. `{}`): one key. */
function isLeafObject(node: SchemaNode): boolean {
  return Object.keys(node.properties ?? {}).length === 0;
}

function row(node: SchemaNode, key: string, required: boolean): ConfigKeyDescription {
  const choices = literalChoices(node);
  const meaning = [node.description, choices && (node.const !== undefined ? choices : `one of ${choices}`)]
    .filter(Boolean)
    .join('; ');
  return { key, default: defaultText(node, required), meaning };
}

function literalChoices(node: SchemaNode): string | undefined {
  if (node.const !== undefined) return `\`${JSON.stringify(node.const).replace(/^"|"$/g, '')}\``;
  if (node.anyOf === undefined || !node.anyOf.every((member) => member.const !== undefined)) return undefined;
  return node.anyOf.map((member) => `\`${JSON.stringify(member.const).replace(/^"|"$/g, '')}\``).join(', ');
}

function defaultText(node: SchemaNode, required: boolean): string {
  if (node.default === undefined) return required ? '(required)' : '—';
  const value = typeof node.default === 'string' && node.default !== '' ? node.default : JSON.stringify(node.default);
  return `\`${value}\``;
}

/** Escapes what would break a table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * `<program> config --describe`: prints the configuration reference of `schema`. Returns the
 * exit code.
 */
export function configCommand(program: string, schema: TSchema, args: string[]): number {
  if (args.length !== 1 || args[0] !== '--describe') {
    process.stderr.write(`${program}: usage: ${program} config --describe\n`);
    return EX_USAGE;
  }
  process.stdout.write(configTable(schema));
  return 0;
}

/** A generated table and where it goes: the section `name` of `file` (relative to the repository). */
export interface ReferenceSection {
  file: string;
  name: string;
  table: string;
}
