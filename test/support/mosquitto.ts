import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { type RunningProcess, startProcess, waitFor } from './processes.js';
import { tcpProbe } from './services.js';

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';

export interface PrivateMosquittoOptions {
  /** Directory for its config, persistence and log. */
  dir: string;
  /** Contents of its password_file and acl_file; absent: anonymous access to everything. */
  passwordFile?: string;
  aclFile?: string;
  port?: number;
  messageSizeLimit?: number;
  /** More configuration lines (say, the settings docs/scale-out.md asks for). */
  settings?: readonly string[];
}

export interface PrivateMosquitto {
  port: number;
  url: string;
  process: RunningProcess;
  /** Its log so far (everything: connections, denials, drops). */
  log(): Promise<string>;
  /** SIGKILL, then start again on the same port with the same persistence. */
  restart(): Promise<void>;
  /**
   * Rewrites the password and ACL files and sends SIGHUP (as `systemctl reload mosquitto` does);
   * resolves once the log shows the reload.
   */
  reload(passwordFile: string, aclFile: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A Mosquitto of the test's own on a free port, with its own config, password and ACL files and
 * logging everything to stdout (so a test can wait for "Denied PUBLISH" and the like). Never the
 * system's broker: tests must not depend on or disturb its configuration.
 */
export async function startPrivateMosquitto(options: PrivateMosquittoOptions): Promise<PrivateMosquitto> {
  const port = options.port ?? (await freePort());
  const conf = join(options.dir, 'mosquitto.conf');
  const passwd = join(options.dir, 'passwd');
  const acl = join(options.dir, 'acl');
  const lines = [
    // Run as whoever runs the test: as root, Mosquitto would switch to its own user, which
    // cannot read a private temporary directory.
    `user ${userInfo().username}`,
    `listener ${port} 127.0.0.1`,
    `log_dest file ${join(options.dir, 'mosquitto.log')}`,
    'log_type all',
    'persistence true',
    `persistence_location ${options.dir}/`,
    'max_queued_messages 100000',
    'max_inflight_messages 100',
  ];
  if (options.messageSizeLimit !== undefined) lines.push(`message_size_limit ${options.messageSizeLimit}`);
  lines.push(...(options.settings ?? []));
  if (options.passwordFile !== undefined) {
    await writeFile(passwd, options.passwordFile, { mode: 0o600 });
    await writeFile(acl, options.aclFile ?? '', { mode: 0o644 });
    lines.push('allow_anonymous false', `password_file ${passwd}`, `acl_file ${acl}`);
  } else {
    lines.push('allow_anonymous true');
  }
  await writeFile(conf, `${lines.join('\n')}\n`);
  const start = async () => {
    const running = startProcess(MOSQUITTO_BIN, ['-c', conf], { cwd: options.dir });
    // Its stdout is block-buffered in a pipe: readiness is an accepted connection.
    await waitFor(`mosquitto on port ${port}`, async () => {
      if (running.child.exitCode !== null) throw new Error(`mosquitto exited: ${await brokerLog()}`);
      await tcpProbe('127.0.0.1', port, 500)();
      return true;
    });
    return running;
  };
  const brokerLog = () => readFile(join(options.dir, 'mosquitto.log'), 'utf8').catch(() => '');
  const broker: PrivateMosquitto = {
    log: brokerLog,
    port,
    url: `mqtt://127.0.0.1:${port}`,
    process: await start(),
    async restart() {
      broker.process.child.kill('SIGKILL');
      await broker.process.exited;
      broker.process = await start();
    },
    async reload(passwordFile, aclFile) {
      await writeFile(passwd, passwordFile, { mode: 0o600 });
      await writeFile(acl, aclFile, { mode: 0o644 });
      const reloads = async () => (await brokerLog()).split('Reloading config.').length;
      const before = await reloads();
      broker.process.child.kill('SIGHUP');
      await waitFor('mosquitto to reload its config', async () => ((await reloads()) > before ? true : undefined));
    },
    async stop() {
      await broker.process.stop(2000);
    },
  };
  return broker;
}
