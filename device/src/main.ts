import { parseArgs } from 'node:util';
import { ConfigError } from '@earshot/shared/config';
import { createLogger } from '@earshot/shared/log';
import { loadDeviceConfig } from './config/device-config.js';
import { DeviceDaemon } from './daemon.js';
import { VERSION } from './version.js';

const USAGE = `Usage:
  earshot-device [run] [--config FILE]     run the daemon
  earshot-device press N [--config FILE]   press logical button N on the running daemon
  earshot-device --version | --help

Every config key can be set from the environment: EARSHOT_MQTT__URL=mqtt://host sets mqtt.url.
EARSHOT_CONFIG names the config file when --config is not given.`;

/** sysexits: EX_USAGE and EX_CONFIG, so that systemd logs say which it was. */
const EX_USAGE = 64;
const EX_CONFIG = 78;
const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [command = 'run', ...rest] = positionals;
  const config = loadDeviceConfig({ file: values.config });
  if (command === 'press') {
    const button = Number(rest[0]);
    if (!Number.isInteger(button)) throw new UsageError('press needs a button number, e.g. `earshot-device press 1`');
    const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
    const response = await fetch(`http://${host}:${config.http.port}/api/v1/press`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ button }),
    });
    process.stdout.write(`${await response.text()}\n`);
    return response.ok ? 0 : 1;
  }
  if (command !== 'run') throw new UsageError(`unknown command "${command}"`);

  const logger = createLogger({ name: 'earshot-device', level: config.logLevel });
  const daemon = new DeviceDaemon(config, logger);
  await daemon.start();
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
  // A stop that hangs (a peer that never answers) must not keep the service from restarting.
  const deadline = setTimeout(() => {
    logger.error({ afterMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting anyway');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  await daemon.stop();
  logger.info('stopped');
  return 0;
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`earshot-device: ${error.message}\n`);
      process.exitCode = EX_CONFIG;
    } else if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`earshot-device: ${(error as Error).message}\n\n${USAGE}\n`);
      process.exitCode = EX_USAGE;
    } else {
      process.stderr.write(`earshot-device: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
