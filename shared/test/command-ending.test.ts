import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCommand } from '../src/cli/command-table.js';
import { EX_CANTCREAT, EX_CONFIG, EX_NOPERM, EX_SOFTWARE, EX_UNAVAILABLE, EX_USAGE } from '../src/cli/exit-codes.js';
import { ending, UsageError } from '../src/cli/finish.js';
import { explainListenError, explainWriteError, StartupFailure } from '../src/cli/startup-failure.js';
import { ConfigError } from '../src/config/index.js';

const systemError = (code: string) => Object.assign(new Error(`${code} happened`), { code });

describe('how a command ends', () => {
  it('a start-up failure: its own line and code, no usage', () => {
    const end = ending('earshot-x', 'Usage: x', new StartupFailure('port 1 is taken (set a.port)', EX_UNAVAILABLE));
    assert.deepEqual(end, { message: 'earshot-x: port 1 is taken (set a.port)', exitCode: EX_UNAVAILABLE });
  });

  it('a configuration error: 78; a usage error: 64 with the usage', () => {
    assert.equal(ending('x', 'U', new ConfigError('/a: bad', ['/a: bad'])).exitCode, EX_CONFIG);
    assert.deepEqual(ending('x', 'U', new UsageError('no such thing')), {
      message: 'x: no such thing\n\nU',
      exitCode: EX_USAGE,
    });
  });

  it('an unforeseen error: one line and 70; its stack only when debugging', () => {
    const error = new Error('boom\nsecond line');
    const plain = ending('x', 'U', error, [], {});
    assert.equal(plain.exitCode, EX_SOFTWARE);
    assert.equal(plain.message.split('\n').length, 1);
    assert.doesNotMatch(plain.message, /\s+at /);
    assert.match(plain.message, /EARSHOT_LOG_LEVEL=debug/);
    assert.match(ending('x', 'U', error, [], { EARSHOT_LOG_LEVEL: 'debug' }).message, /\n\s+at /);
  });
});

describe('listen and write errors explained', () => {
  const listener = { what: 'HTTP', host: '127.0.0.1', port: 80, portKey: 'http.port' };

  it('port in use, privileged port; anything else passes through', () => {
    const inUse = explainListenError({ ...listener, inUseHint: 'is Mosquitto running?' }, systemError('EADDRINUSE'));
    assert.ok(inUse instanceof StartupFailure);
    assert.equal(inUse.exitCode, EX_UNAVAILABLE);
    assert.match(inUse.message, /^HTTP port 80 is in use on 127\.0\.0\.1 \(is Mosquitto running\? set http\.port/);
    const privileged = explainListenError(listener, systemError('EACCES'));
    assert.ok(privileged instanceof StartupFailure && privileged.exitCode === EX_NOPERM);
    const other = systemError('EMFILE');
    assert.equal(explainListenError(listener, other), other);
  });

  it('a folder that cannot be written says why and which key', () => {
    const full = explainWriteError('the data directory', '/var/x', 'dataDir', systemError('ENOSPC'));
    assert.ok(full instanceof StartupFailure && full.exitCode === EX_CANTCREAT);
    assert.match(
      full.message,
      /^the data directory \/var\/x is not writable: the disk is full \(ENOSPC\) \(set dataDir/,
    );
    assert.match(
      (explainWriteError('d', '/r', 'k', systemError('EROFS')) as Error).message,
      /the file system is read-only/,
    );
  });
});

describe('the command table', () => {
  const calls: [string, string[]][] = [];
  const table = {
    commands: {
      run: async (args: string[]) => (calls.push(['run', args]), 0),
      press: async (args: string[]) => (calls.push(['press', args]), 0),
    },
    fallback: 'run',
    usage: 'U',
    version: '1',
  };

  it('finds the command after options and their values, and keeps the options', async () => {
    calls.length = 0;
    await runCommand(['--config', 'press.json', 'press', '1'], table);
    await runCommand(['-c', 'x.json'], table);
    await runCommand(['press', '2', '--config', 'y.json'], table);
    assert.deepEqual(calls, [
      ['press', ['--config', 'press.json', '1']],
      ['run', ['-c', 'x.json']],
      ['press', ['2', '--config', 'y.json']],
    ]);
  });

  it('an unknown command is a usage error', async () => {
    await assert.rejects(runCommand(['dance'], table), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /unknown command "dance"/);
      return true;
    });
  });
});
