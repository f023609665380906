import { parseArgs } from 'node:util';
import { finish, runCommand, serveUntilSignal } from '@earshot/shared/cli';
import { configCommand } from '@earshot/shared/config';
import { createLogger } from '@earshot/shared/log';
import { ACCESS_USAGE, accessCli } from './access/access-cli.js';
import { ANSWERS_USAGE, answersCli } from './answers/answers-cli.js';
import { loadServerConfig, ServerConfigSchema } from './config/server-config.js';
import { importCli, IMPORT_USAGE } from './import/import-cli.js';
import { provisionCli, PROVISION_USAGE_LINE } from './provisioning/provision-cli.js';
import { CREDENTIALS_USAGE, credentialsCommand } from './devices/credentials-cli.js';
import { AccountError } from './devices/mqtt-accounts.js';
import { UnregisteredDeviceError } from './import/registered-device.js';
import { EarshotServer } from './server.js';
import { VERSION } from './version.js';

const USAGE = `Usage:
  earshot-server [run] [--config FILE]   run the server
${IMPORT_USAGE}
${ANSWERS_USAGE}
${ACCESS_USAGE}
${CREDENTIALS_USAGE}
${PROVISION_USAGE_LINE}
  earshot-server config --describe   every config key, its default and meaning (Markdown)
  earshot-server --version | --help

Every config key can be set from the environment: EARSHOT_HTTP__PORT=8080 sets http.port.
EARSHOT_CONFIG names the config file when --config is not given.`;

/** Every subcommand, each parsing its own arguments: the one place a command is dispatched. */
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  run: runServer,
  import: importCli,
  answers: answersCli,
  users: (args) => accessCli('users', args),
  tokens: (args) => accessCli('tokens', args),
  credentials: credentialsCli,
  provision: provisionCli,
  config: async (args) => configCommand('earshot-server', ServerConfigSchema, args),
};

async function runServer(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } } });
  const config = loadServerConfig({ file: values.config });
  const logger = createLogger({ name: 'earshot-server', level: config.logLevel });
  const server = new EarshotServer(config, logger);
  await server.start();
  return serveUntilSignal(logger, () => server.stop());
}

async function credentialsCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' } },
  });
  const config = loadServerConfig({ file: values.config });
  return credentialsCommand(config, positionals, (line) => process.stdout.write(`${line}\n`));
}

// The database, clips, queue and staging hold personal data and secrets: whatever this process
// creates is its user's alone (0600 files, 0700 folders), run by hand or under systemd.
process.umask(0o077);

finish(
  'earshot-server',
  USAGE,
  runCommand(process.argv.slice(2), { commands: COMMANDS, fallback: 'run', usage: USAGE, version: VERSION }),
  [AccountError, UnregisteredDeviceError],
);
