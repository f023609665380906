import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EX_UNAVAILABLE, finish, runCommand, serveUntilSignal, StartupFailure, UsageError } from '@earshot/shared/cli';
import { configCommand } from '@earshot/shared/config';
import { createLogger } from '@earshot/shared/log';
import { DeviceConfigSchema, loadDeviceConfig } from './config/device-config.js';
import { DeviceDaemon } from './daemon.js';
import { DOCTOR_USAGE, doctorCli } from './doctor/doctor-cli.js';
import { enrol, EnrolmentError } from './enrolment/enrol.js';
import { VERSION } from './version.js';

const USAGE = `Usage:
  earshot-device [run] [--config FILE]     run the daemon
  earshot-device press N [--config FILE]   press logical button N on the running daemon
${DOCTOR_USAGE}
  earshot-device enrol --server URL --token TOKEN [--config-out FILE] [--state-dir DIR]
                                           trade a one-time claim token for MQTT credentials
                                           (kept in DIR/mqtt-credentials.json, mode 0600) and the
                                           device's settings (merged into FILE, no secret);
                                           DIR defaults to FILE's stateDir, else /var/lib/earshot
  earshot-device config --describe         every config key, its default and meaning (Markdown)
  earshot-device --version | --help

Every config key can be set from the environment: EARSHOT_MQTT__URL=mqtt://host sets mqtt.url.
EARSHOT_CONFIG names the config file when --config is not given.`;

/** Every subcommand, each parsing its own arguments: the one place a command is dispatched. */
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  run: runDaemon,
  press: pressCommand,
  doctor: doctorCli,
  enrol: enrolCommand,
  config: async (args) => configCommand('earshot-device', DeviceConfigSchema, args),
};

async function runDaemon(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } } });
  const config = loadDeviceConfig({ file: values.config });
  const logger = createLogger({ name: 'earshot-device', level: config.logLevel });
  const daemon = new DeviceDaemon(config, logger);
  await daemon.start();
  return serveUntilSignal(logger, () => daemon.stop(), { unwell: () => daemon.unwell() });
}

/** `press N`: what a press on the daemon's own page does, from a shell. */
async function pressCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' } },
  });
  const button = Number(positionals[0]);
  if (!Number.isInteger(button)) throw new UsageError('press needs a button number, e.g. `earshot-device press 1`');
  const config = loadDeviceConfig({ file: values.config });
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  const endpoint = `http://${host}:${config.http.port}`;
  let response: Response;
  try {
    response = await fetch(`${endpoint}/api/v1/press`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ button }),
    });
  } catch (error) {
    const code = ((error as Error).cause as { code?: string } | undefined)?.code ?? (error as Error).message;
    throw new StartupFailure(
      `no daemon answers on ${endpoint} (${code}): is earshot-device running? (systemctl status earshot-device; its port is http.port)`,
      EX_UNAVAILABLE,
      { cause: error },
    );
  }
  process.stdout.write(`${await response.text()}\n`);
  return response.ok ? 0 : 1;
}

async function enrolCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      'config-out': { type: 'string' },
      'state-dir': { type: 'string' },
    },
  });
  if (!values.server || !values.token) {
    throw new UsageError('enrol needs --server URL and --token TOKEN (the claim token from `scripts/provision`)');
  }
  const configOut = values['config-out'];
  const stateDir = values['state-dir'] ?? (await stateDirOf(configOut)) ?? '/var/lib/earshot';
  try {
    await enrol({
      server: values.server,
      token: values.token,
      stateDir,
      configOut,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    return 0;
  } catch (error) {
    if (!(error instanceof EnrolmentError)) throw error;
    process.stderr.write(`earshot-device enrol: ${error.message}\n`);
    return 1;
  }
}

/** The stateDir an existing config names, so enrolment writes where the daemon will look. */
async function stateDirOf(configFile: string | undefined): Promise<string | undefined> {
  if (configFile === undefined) return undefined;
  try {
    const stateDir = (JSON.parse(await readFile(configFile, 'utf8')) as { stateDir?: unknown }).stateDir;
    return typeof stateDir === 'string' ? stateDir : undefined;
  } catch {
    return undefined;
  }
}

finish(
  'earshot-device',
  USAGE,
  runCommand(process.argv.slice(2), { commands: COMMANDS, fallback: 'run', usage: USAGE, version: VERSION }),
);
