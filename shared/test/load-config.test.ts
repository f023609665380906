import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { ConfigError, loadConfig } from '../src/config/index.js';

const Schema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    http: Type.Object(
      {
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
        host: Type.String({ default: '127.0.0.1' }),
      },
      { additionalProperties: false, default: {} },
    ),
    audio: Type.Object(
      { preRollSeconds: Type.Number({ default: 60 }), enabled: Type.Boolean({ default: true }) },
      { additionalProperties: false, default: {} },
    ),
    password: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems.length > 0 ? error.problems : [error.message];
  }
  return assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills defaults and applies environment overrides with types from the schema', () => {
    const config = loadConfig(Schema, {
      env: {
        EARSHOT_NAME: 'till',
        EARSHOT_HTTP__PORT: '9000',
        EARSHOT_AUDIO__PRE_ROLL_SECONDS: '12.5',
        EARSHOT_AUDIO__ENABLED: 'false',
        EARSHOT_PASSWORD: '1234',
        OTHER: 'ignored',
      },
    });
    assert.deepEqual(config, {
      name: 'till',
      http: { port: 9000, host: '127.0.0.1' },
      audio: { preRollSeconds: 12.5, enabled: false },
      password: '1234',
    });
  });

  it('lets the environment override the file', async () => {
    const dir = await tempDir();
    const file = join(dir.path, 'c.json');
    writeFileSync(file, JSON.stringify({ name: 'from-file', http: { port: 1 } }));
    const config = loadConfig(Schema, { file, env: { EARSHOT_HTTP__PORT: '2' } });
    assert.equal(config.name, 'from-file');
    assert.equal(config.http.port, 2);
    await dir.remove();
  });

  it('names the bad key, the bad value and where it came from', async () => {
    assert.deepEqual(
      problemsOf(() => loadConfig(Schema, { env: { EARSHOT_NAME: 'x', EARSHOT_HTTP__PORT: 'eighty' } })),
      ['/http/port: Expected integer (got "eighty") [set by EARSHOT_HTTP__PORT]'],
    );
    const dir = await tempDir();
    const file = join(dir.path, 'c.json');
    writeFileSync(file, JSON.stringify({ name: 'x', http: { port: 70000, colour: 'red' } }));
    const problems = problemsOf(() => loadConfig(Schema, { file, env: {} }));
    assert.ok(problems.includes(`/http/port: Expected integer to be less or equal to 65535 (got 70000) [in ${file}]`));
    assert.ok(
      problems.some((p) => p.startsWith('/http/colour: Unexpected property')),
      problems.join('\n'),
    );
    await dir.remove();
  });

  it('reports a missing required key', () => {
    assert.deepEqual(
      problemsOf(() => loadConfig(Schema, { env: {} })),
      ['/name: Expected required property'],
    );
  });

  it('says which file cannot be read or parsed', async () => {
    assert.match(problemsOf(() => loadConfig(Schema, { file: '/nonexistent/x.json', env: {} }))[0] ?? '', /ENOENT/);
    const dir = await tempDir();
    const file = join(dir.path, 'broken.json');
    writeFileSync(file, '{"name": "x",');
    assert.match(problemsOf(() => loadConfig(Schema, { file, env: {} }))[0] ?? '', /broken\.json is not valid JSON/);
    await dir.remove();
  });

  it('refuses an environment value that looks like JSON but is not', () => {
    assert.match(
      problemsOf(() => loadConfig(Schema, { env: { EARSHOT_HTTP: '{"port": }' } }))[0] ?? '',
      /EARSHOT_HTTP looks like JSON but does not parse/,
    );
  });
});
