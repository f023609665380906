import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { configTable, describeConfig, markedSection, replaceMarkedSection } from '../src/config/index.js';

const Schema = Type.Object({
  id: Type.String({ description: 'who' }),
  level: Type.Union([Type.Literal('a'), Type.Literal('b')], { default: 'a', description: 'how much' }),
  net: Type.Object(
    {
      host: Type.String({ default: '127.0.0.1', description: 'where | how' }),
      user: Type.Optional(Type.String({ description: 'login' })),
      map: Type.Record(Type.String(), Type.String(), { description: 'a map' }),
    },
    { default: { map: { x: 'y' } } },
  ),
  list: Type.Array(Type.String(), { default: [], description: 'things' }),
  prefix: Type.String({ default: '', description: 'may be empty' }),
});

describe('describing a configuration schema', () => {
  it('lists every leaf key with its default (or required / none) and meaning', () => {
    assert.deepEqual(describeConfig(Schema), [
      { key: 'id', default: '(required)', meaning: 'who' },
      { key: 'level', default: '`a`', meaning: 'how much; one of `a`, `b`' },
      { key: 'net.host', default: '`127.0.0.1`', meaning: 'where | how' },
      { key: 'net.user', default: '—', meaning: 'login' },
      { key: 'net.map', default: '`{"x":"y"}`', meaning: 'a map' },
      { key: 'list', default: '`[]`', meaning: 'things' },
      { key: 'prefix', default: '`""`', meaning: 'may be empty' },
    ]);
  });

  it('writes a Markdown table, escaping pipes', () => {
    const table = configTable(Schema);
    assert.equal(table.split('\n')[0], '| key | default | meaning |');
    assert.ok(table.includes('| `net.host` | `127.0.0.1` | where \\| how |'));
  });

  it('reads and replaces the section between markers', () => {
    const text = 'before\n<!-- config:x:start -->\nold\n<!-- config:x:end -->\nafter\n';
    assert.equal(markedSection(text, 'x'), 'old\n');
    const replaced = replaceMarkedSection(text, 'x', 'new\n');
    assert.equal(replaced, 'before\n<!-- config:x:start -->\nnew\n<!-- config:x:end -->\nafter\n');
    assert.equal(markedSection(text, 'y'), undefined);
    assert.throws(() => replaceMarkedSection(text, 'y', ''), /no <!-- config:y:start -->/);
  });
});
