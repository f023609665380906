import { parseArgs } from 'node:util';
import { ConfigError } from '@earshot/shared/config';
import { createLogger } from '@earshot/shared/log';
import { ACCESS_USAGE, accessCli } from './access/access-cli.js';
import { loadServerConfig } from './config/server-config.js';
import { importCli, IMPORT_USAGE } from './import/import-cli.js';
import { CREDENTIALS_USAGE, credentialsCommand } from './devices/credentials-cli.js';
import { AccountError } from './devices/mqtt-accounts.js';
import { EarshotServer } from './server.js';
import { VERSION } from './version.js';

const USAGE = `Usage:
  earshot-server [--config FILE]   run the server
${IMPORT_USAGE}
${ACCESS_USAGE}
${CREDENTIALS_USAGE}
  earshot-server --version | --help

Every config key can be set from the environment: EARSHOT_HTTP__PORT=8080 sets http.port.
EARSHOT_CONFIG names the config file when --config is not given.`;

const EX_USAGE = 64;
const EX_CONFIG = 78;
const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'import') return importCli(argv.slice(1));
  if (argv[0] === 'users' || argv[0] === 'tokens') return accessCli(argv[0], argv.slice(1));
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
  if (positionals[0] === 'credentials') {
    const config = loadServerConfig({ file: values.config });
    return credentialsCommand(config, positionals.slice(1), (line) => process.stdout.write(`${line}\n`));
  }
  if (positionals.length > 0) {
    process.stderr.write(`earshot-server: unexpected argument "${positionals[0]}"\n\n${USAGE}\n`);
    return EX_USAGE;
  }
  const config = loadServerConfig({ file: values.config });
  const logger = createLogger({ name: 'earshot-server', level: config.logLevel });
  const server = new EarshotServer(config, logger);
  await server.start();
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
  await server.stop();
  logger.info('stopped');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`earshot-server: ${error.message}\n`);
      process.exitCode = EX_CONFIG;
    } else if (error instanceof AccountError) {
      process.stderr.write(`earshot-server: ${error.message}\n`);
      process.exitCode = EX_USAGE;
    } else if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`earshot-server: ${(error as Error).message}\n\n${USAGE}\n`);
      process.exitCode = EX_USAGE;
    } else {
      process.stderr.write(`earshot-server: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
