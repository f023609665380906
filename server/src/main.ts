import { parseArgs } from 'node:util';
import { EX_USAGE, finish, serveUntilSignal } from '@earshot/shared/cli';
import { configCommand } from '@earshot/shared/config';
import { createLogger } from '@earshot/shared/log';
import { ACCESS_USAGE, accessCli } from './access/access-cli.js';
import { ANSWERS_USAGE, answersCli } from './answers/answers-cli.js';
import { loadServerConfig, ServerConfigSchema } from './config/server-config.js';
import { importCli, IMPORT_USAGE } from './import/import-cli.js';
import { CREDENTIALS_USAGE, credentialsCommand } from './devices/credentials-cli.js';
import { AccountError } from './devices/mqtt-accounts.js';
import { UnregisteredDeviceError } from './import/registered-device.js';
import { EarshotServer } from './server.js';
import { VERSION } from './version.js';

const USAGE = `Usage:
  earshot-server [--config FILE]   run the server
${IMPORT_USAGE}
${ANSWERS_USAGE}
${ACCESS_USAGE}
${CREDENTIALS_USAGE}
  earshot-server config --describe   every config key, its default and meaning (Markdown)
  earshot-server --version | --help

Every config key can be set from the environment: EARSHOT_HTTP__PORT=8080 sets http.port.
EARSHOT_CONFIG names the config file when --config is not given.`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'import') return importCli(argv.slice(1));
  if (argv[0] === 'config') return configCommand('earshot-server', ServerConfigSchema, argv.slice(1));
  if (argv[0] === 'answers') return answersCli(argv.slice(1));
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
  return serveUntilSignal(logger, () => server.stop());
}

finish('earshot-server', USAGE, main(process.argv.slice(2)), [AccountError, UnregisteredDeviceError]);
