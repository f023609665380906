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
    password: Type.Optional(Type.String({ minLength: 8 })),
    engines: Type.Record(Type.String({ pattern: '^[a-z0-9_-]+$' }), Type.Object({ url: Type.String() }), {
      default: {},
    }),
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
        EARSHOT_PASSWORD: '12345678',
        OTHER: 'ignored',
      },
    });
    assert.deepEqual(config, {
      name: 'till',
      http: { port: 9000, host: '127.0.0.1' },
      audio: { preRollSeconds: 12.5, enabled: false },
      password: '12345678',
      engines: {},
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

  it('ignores a variable that names no key, telling its name but never its value', () => {
    const warnings: string[] = [];
    const config = loadConfig(Schema, {
      env: {
        EARSHOT_NAME: 'till',
        EARSHOT_API_TOKEN: 's3cret-token',
        EARSHOT_WIFI_PSK: 'hunter22',
        EARSHOT_HTTP__COLOUR: 'red',
      },
      warn: (message) => warnings.push(message),
    });
    assert.equal(config.name, 'till');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /EARSHOT_API_TOKEN, EARSHOT_HTTP__COLOUR, EARSHOT_WIFI_PSK/);
    assert.doesNotMatch(warnings.join('\n'), /s3cret|hunter22|red/);
  });

  it('sets keys of a record (engine names, device ids) from the environment', () => {
    const config = loadConfig(Schema, {
      env: {
        EARSHOT_NAME: 'till',
        EARSHOT_ENGINES__WHISPER__URL: 'http://w',
        'EARSHOT_ENGINES__fast-one': '{"url": "http://f"}',
      },
      warn: () => assert.fail('nothing should be ignored'),
    });
    assert.deepEqual(config.engines, { whisper: { url: 'http://w' }, 'fast-one': { url: 'http://f' } });
  });

  it('matches a record key the file already has, ignoring case and - or _', async () => {
    const dir = await tempDir();
    const file = join(dir.path, 'c.json');
    writeFileSync(file, JSON.stringify({ name: 'x', engines: { 'open-ai': { url: 'http://a' } } }));
    const config = loadConfig(Schema, { file, env: { EARSHOT_ENGINES__OPEN_AI__URL: 'http://b' } });
    assert.deepEqual(config.engines, { 'open-ai': { url: 'http://b' } });
    await dir.remove();
  });

  it('never quotes a secret in an error', async () => {
    const problems = problemsOf(() => loadConfig(Schema, { env: { EARSHOT_NAME: 'x', EARSHOT_PASSWORD: 'short1' } }));
    assert.deepEqual(problems, [
      '/password: Expected string length greater or equal to 8 (value not shown) [set by EARSHOT_PASSWORD]',
    ]);
    const json = problemsOf(() => loadConfig(Schema, { env: { EARSHOT_PASSWORD: '{"hunter22' } }));
    assert.doesNotMatch(json.join('\n'), /hunter22/);
    const dir = await tempDir();
    const file = join(dir.path, 'c.json');
    writeFileSync(file, '{"name": "x", "password": hunter22}');
    assert.doesNotMatch(problemsOf(() => loadConfig(Schema, { file, env: {} })).join('\n'), /hunter22/);
    await dir.remove();
  });
});
