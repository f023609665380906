import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPrivateMosquitto } from '@earshot/test-kit/mosquitto';
import { freePort } from '@earshot/test-kit/ports';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { assertStartupFailure } from '@earshot/test-kit/startup-failure';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { unprivilegedUser } from '@earshot/test-kit/unprivileged';

/**
 * Each way `earshot-server` can fail to start, through the real executable: it must end by
 * itself with its sysexits code and one line naming the cause and the fix, never keep running
 * without serving (as it once did with its MQTT port taken).
 */
describe('earshot-server start-up failures', () => {
  let dir: { path: string; remove: () => Promise<void> };
  const holders: Server[] = [];

  before(async () => {
    dir = await tempDir();
    // Readable by the unprivileged user some cases run as.
    await chmod(dir.path, 0o755);
  });
  after(async () => {
    for (const holder of holders) holder.close();
    await dir.remove();
  });

  let runs = 0;
  /** Settings that start cleanly on a busy machine; each case breaks one thing. */
  async function baseEnv(): Promise<NodeJS.ProcessEnv> {
    const dataDir = join(dir.path, `run-${++runs}`);
    await mkdir(dataDir, { recursive: true });
    await chmod(dataDir, 0o777);
    return {
      EARSHOT_DATA_DIR: dataDir,
      EARSHOT_HTTP__PORT: '0',
      EARSHOT_MQTT__PORT: '0',
      EARSHOT_MQTT__HOST: '127.0.0.1',
      EARSHOT_TRANSCRIPTION__ENABLED: 'false',
      EARSHOT_LOG_LEVEL: 'warn',
    };
  }

  async function holdPort(host = '127.0.0.1'): Promise<number> {
    const holder = createServer();
    holders.push(holder);
    await new Promise<void>((resolve) => holder.listen(0, host, resolve));
    return (holder.address() as { port: number }).port;
  }

  function server(
    env: NodeJS.ProcessEnv,
    args: string[] = [],
    user = undefined as ReturnType<typeof unprivilegedUser>,
  ) {
    return startProcess(process.execPath, [BIN.server, ...args], { env, user });
  }

  it('HTTP port in use: 69, names the port and the setting', async () => {
    const port = await holdPort();
    const run = server({ ...(await baseEnv()), EARSHOT_HTTP__PORT: String(port) });
    await assertStartupFailure(
      run,
      69,
      new RegExp(`^earshot-server: HTTP port ${port} is in use on 127\\.0\\.0\\.1 \\(set http\\.port to a free port`),
    );
  });

  it('MQTT port in use: 69, asks whether Mosquitto runs and how to use it', async () => {
    const port = await holdPort();
    const run = server({ ...(await baseEnv()), EARSHOT_MQTT__PORT: String(port) });
    await assertStartupFailure(
      run,
      69,
      new RegExp(`MQTT port ${port} is in use .*is Mosquitto running\\? .*set mqtt\\.embedded to false and mqtt\\.url`),
    );
  });

  it('a port that needs privileges: 77', async () => {
    const run = server({ ...(await baseEnv()), EARSHOT_HTTP__PORT: '80' }, [], unprivilegedUser());
    await assertStartupFailure(run, 77, /HTTP port 80 needs privileges \(set http\.port above 1023/);
  });

  it('a data directory it cannot write: 73, names the folder and the setting', async () => {
    const locked = join(dir.path, 'locked');
    await mkdir(locked, { recursive: true });
    await chmod(locked, 0o555);
    const dataDir = join(locked, 'data');
    const run = server({ ...(await baseEnv()), EARSHOT_DATA_DIR: dataDir }, [], unprivilegedUser());
    await assertStartupFailure(
      run,
      73,
      new RegExp(`the data directory ${dataDir} is not writable: permission denied .*\\(set dataDir`),
    );
  });

  it('a database that is not reachable: 69, without its password', async () => {
    const port = await freePort();
    const run = server({
      ...(await baseEnv()),
      EARSHOT_DATABASE__URL: `postgres://earshot:secret-pw@127.0.0.1:${port}/earshot`,
    });
    const line = await assertStartupFailure(
      run,
      69,
      /database "postgres:\/\/earshot:\*\*\*@127\.0\.0\.1:\d+\/earshot" is unreachable \(ECONNREFUSED\): is PostgreSQL running there\? check database\.url/,
    );
    if (line.includes('secret-pw') || run.output().includes('secret-pw')) throw new Error('the password was shown');
  });

  it('a database whose migrations fail: 65', async () => {
    // A SQLite file that Earshot once migrated, but with a migration this version has never heard of.
    const env = await baseEnv();
    const first = server({ ...env, EARSHOT_LOG_LEVEL: 'info' });
    await first.waitForLine(/earshot server started/);
    await first.stop();
    const db = join(env['EARSHOT_DATA_DIR'] as string, 'earshot.db');
    const python = `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01')")
c.commit()`;
    const edit = startProcess('python3', ['-c', python, db]);
    if ((await edit.exited) !== 0) throw new Error(edit.output());
    const run = server(env);
    await assertStartupFailure(run, 65, /database migration .* failed: .*9999-from-the-future.*set database\.url\)$/);
  });

  it('a file that is not a database: 65', async () => {
    const env = await baseEnv();
    await writeFile(join(env['EARSHOT_DATA_DIR'] as string, 'earshot.db'), 'these are my shopping notes\n'.repeat(200));
    const run = server(env);
    await assertStartupFailure(run, 65, /earshot\.db is not an SQLite database Earshot can read \(SQLITE_NOTADB\)/);
  });

  it('an external broker that is not there: 69', async () => {
    const port = await freePort();
    const run = server({
      ...(await baseEnv()),
      EARSHOT_MQTT__EMBEDDED: 'false',
      EARSHOT_MQTT__URL: `mqtt://127.0.0.1:${port}`,
    });
    await assertStartupFailure(
      run,
      69,
      new RegExp(
        `MQTT broker mqtt://127\\.0\\.0\\.1:${port} is unreachable \\(ECONNREFUSED\\): is it running\\? check mqtt\\.url`,
      ),
    );
  });

  it('an external broker that refuses the login: 77', async () => {
    const brokerDir = join(dir.path, 'mosquitto');
    await mkdir(brokerDir, { recursive: true });
    const mosquitto = await startPrivateMosquitto({ dir: brokerDir, passwordFile: '' });
    try {
      const run = server({
        ...(await baseEnv()),
        EARSHOT_MQTT__EMBEDDED: 'false',
        EARSHOT_MQTT__URL: mosquitto.url,
        EARSHOT_MQTT__USERNAME: 'earshot-server',
        EARSHOT_MQTT__PASSWORD: 'wrong-password',
      });
      const line = await assertStartupFailure(
        run,
        77,
        /MQTT broker mqtt:\/\/127\.0\.0\.1:\d+ refused the server's login \(.*\): check mqtt\.username and mqtt\.password/,
      );
      if (line.includes('wrong-password')) throw new Error('the password was shown');
    } finally {
      await mosquitto.stop();
    }
  });

  it('a transcription program that is missing: 69, names the program and the setting', async () => {
    const env = await baseEnv();
    const config = join(env['EARSHOT_DATA_DIR'] as string, 'server.json');
    await writeFile(
      config,
      JSON.stringify({
        transcription: {
          enabled: true,
          engines: { offline: { type: 'pocketsphinx', command: '/opt/nowhere/pocketsphinx_continuous' } },
          languages: { 'en-US': 'offline' },
        },
      }),
    );
    const run = server({ ...env, EARSHOT_TRANSCRIPTION__ENABLED: 'true' }, ['--config', config]);
    await assertStartupFailure(
      run,
      69,
      /transcription engine "offline" needs \/opt\/nowhere\/pocketsphinx_continuous, which is not installed or not on PATH \(apt install pocketsphinx, or set transcription\.engines\.offline\.command/,
    );
  });

  it('a CLI command against an unreachable database: the same one line and code', async () => {
    const port = await freePort();
    const run = server(
      { ...(await baseEnv()), EARSHOT_DATABASE__URL: `postgres://earshot@127.0.0.1:${port}/earshot` },
      ['users', 'list'],
    );
    await assertStartupFailure(run, 69, /^earshot-server: database .* is unreachable \(ECONNREFUSED\)/);
  });
});
