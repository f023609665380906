import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { finish, serveUntilSignal, UsageError } from '@earshot/shared/cli';
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

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'doctor') return doctorCli(argv.slice(1));
  if (argv[0] === 'config') return configCommand('earshot-device', DeviceConfigSchema, argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      server: { type: 'string' },
      token: { type: 'string' },
      'config-out': { type: 'string' },
      'state-dir': { type: 'string' },
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
  if (command === 'enrol') return enrolCommand(values);
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
  return serveUntilSignal(logger, () => daemon.stop(), { unwell: () => daemon.unwell() });
}

async function enrolCommand(values: {
  server?: string | undefined;
  token?: string | undefined;
  'config-out'?: string | undefined;
  'state-dir'?: string | undefined;
}): Promise<number> {
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

finish('earshot-device', USAGE, main(process.argv.slice(2)));
