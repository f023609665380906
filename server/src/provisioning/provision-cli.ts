import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EX_USAGE, UsageError } from '@earshot/shared/cli';
import { isValidId } from '@earshot/shared/protocol';
import { type BootSettings, checkBootSettings } from './boot-settings.js';
import { openBootPartition } from './boot-partition.js';
import { cloudInitFiles, cmdlineWithFirstrun, firstBootLogHint, firstrunFiles } from './first-boot.js';
import { checkBootTarget, checkConfigOut, serverWarnings } from './preflight.js';

export const PROVISION_USAGE_LINE =
  '  earshot-server provision --server URL --device ID …   register a device, write its first-boot package or config (scripts/provision --help)';

const PROVISION_USAGE = `Usage: scripts/provision --server URL --device ID [device options] (--config-out FILE | --boot PATH [boot options])

Registers the device on the server, gets a one-time claim token, and writes either a config for
an already-running Pi or a first-boot package into a Raspberry Pi OS boot partition.

  --server URL          the server's HTTP API, as the Pi will reach it
  --api-token TOKEN     an admin's or technician's API token (default: $EARSHOT_API_TOKEN)
  --device ID           device id (letters, digits, "_", "-")
  --store ID            the store it stands in      --name TEXT    a name for the console
  --buttons 1=nps,2=improve   the device's button map (needs an admin token)
  --token-hours H       claim token lifetime (default: the server's, 24 h)

  --config-out FILE     for a running Pi: a device config to copy to it; prints the enrol command

  --boot PATH           a mounted boot partition (directory) or a FAT image file
  --style cloud-init|firstrun   cloud-init (Bookworm 2025+/Trixie images) or firstrun.sh (older); default cloud-init
  --hostname NAME  --user NAME  --ssh-key FILE|KEY  --timezone ZONE (e.g. Europe/Moscow)
  --wifi-ssid SSID --wifi-psk PASS (default: $EARSHOT_WIFI_PSK) --wifi-country CC (e.g. RU)
  --package URL         the Earshot release tarball the Pi downloads and installs`;

class ProvisionError extends Error {
  override name = 'ProvisionError';
}

/** A JSON call to the server API; a refusal becomes an error that says what the server said. */
function apiClient(server: string, token: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(new URL(path, server), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ProvisionError(
        `cannot reach ${server}: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`,
      );
    }
    const answer = (await response.json().catch(() => ({}))) as T & { error?: string };
    if (!response.ok) {
      const hint =
        response.status === 401
          ? ' (check --api-token)'
          : response.status === 403
            ? " (this token's role may not do that)"
            : '';
      throw new ProvisionError(`${method} ${path}: ${response.status} ${answer.error ?? ''}${hint}`);
    }
    return answer;
  };
}

function parseButtons(spec: string): Record<string, string> {
  const buttons: Record<string, string> = {};
  for (const pair of spec.split(',')) {
    const match = /^([1-9][0-9]?)=([a-z0-9][a-z0-9_-]*)$/.exec(pair.trim());
    if (!match) throw new UsageError(`--buttons: "${pair}" is not BUTTON=QUESTION, e.g. 1=nps`);
    buttons[match[1] as string] = match[2] as string;
  }
  return buttons;
}

async function sshKeyOf(value: string): Promise<string> {
  if (/^(ssh-|ecdsa-|sk-)/.test(value.trim())) return value.trim();
  try {
    return (await readFile(value, 'utf8')).trim();
  } catch {
    throw new UsageError(`--ssh-key: ${value} is neither a public key nor a readable file`);
  }
}

async function provision(argv: string[], out: (line: string) => void, warn: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      'api-token': { type: 'string' },
      device: { type: 'string' },
      store: { type: 'string' },
      name: { type: 'string' },
      buttons: { type: 'string' },
      'token-hours': { type: 'string' },
      'config-out': { type: 'string' },
      boot: { type: 'string' },
      style: { type: 'string', default: 'cloud-init' },
      hostname: { type: 'string' },
      user: { type: 'string', default: 'earshot-admin' },
      'ssh-key': { type: 'string' },
      timezone: { type: 'string' },
      'wifi-ssid': { type: 'string' },
      'wifi-psk': { type: 'string' },
      'wifi-country': { type: 'string' },
      package: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out(PROVISION_USAGE);
    return 0;
  }
  const server = values.server;
  const apiToken = values['api-token'] ?? process.env.EARSHOT_API_TOKEN;
  const device = values.device;
  if (!server || !device) throw new UsageError('--server and --device are required');
  if (!apiToken) throw new UsageError('--api-token (or EARSHOT_API_TOKEN) is required');
  if (!isValidId(device)) throw new UsageError(`--device: "${device}" is not a valid id`);
  if ((values['config-out'] === undefined) === (values.boot === undefined)) {
    throw new UsageError('give exactly one of --config-out FILE (a running Pi) or --boot PATH (a first-boot package)');
  }
  if (values.style !== 'cloud-init' && values.style !== 'firstrun') {
    throw new UsageError(`--style: "${values.style}" is neither cloud-init nor firstrun`);
  }
  const hours = values['token-hours'] === undefined ? undefined : Number(values['token-hours']);
  if (hours !== undefined && !(hours > 0)) throw new UsageError('--token-hours must be a positive number');
  const buttons = values.buttons === undefined ? undefined : parseButtons(values.buttons);
  for (const warning of serverWarnings(server)) warn(warning);
  if (values['config-out'] !== undefined) await checkConfigOut(values['config-out']);
  if (values.boot !== undefined) await checkBootTarget(values.boot, values.style);

  // Boot settings are checked before the server is touched: a typo must not burn a token.
  let boot: Omit<BootSettings, 'claimToken'> | undefined;
  if (values.boot !== undefined) {
    const missing = ['hostname', 'ssh-key', 'timezone', 'package'].filter(
      (o) => values[o as keyof typeof values] === undefined,
    );
    if (missing.length > 0) throw new UsageError(`--boot needs ${missing.map((o) => `--${o}`).join(', ')}`);
    const wifiGiven = [values['wifi-ssid'], values['wifi-country']].some((v) => v !== undefined);
    const psk = values['wifi-psk'] ?? process.env.EARSHOT_WIFI_PSK;
    boot = {
      hostname: values.hostname as string,
      user: values.user,
      sshKey: await sshKeyOf(values['ssh-key'] as string),
      timeZone: values.timezone as string,
      wifi: wifiGiven
        ? { ssid: values['wifi-ssid'] ?? '', psk: psk ?? '', country: values['wifi-country'] ?? '' }
        : undefined,
      packageUrl: values.package as string,
      serverUrl: server,
      deviceId: device,
    };
    const problems = checkBootSettings({ ...boot, claimToken: 'ect_unchecked' });
    if (problems.length > 0) throw new UsageError(problems.join('\n'));
  }

  const api = apiClient(server, apiToken);
  const body: Record<string, unknown> = { storeId: values.store ?? null };
  if (values.name !== undefined) body.name = values.name;
  await api('PUT', `/api/v1/devices/${device}`, body);
  out(`device ${device} registered${values.store ? ` in store ${values.store}` : ''}`);
  if (buttons) {
    await api('POST', `/api/v1/button-maps/device/${device}`, { buttons });
    out(
      `button map set: ${Object.entries(buttons)
        .map(([b, q]) => `${b}=${q}`)
        .join(', ')}`,
    );
  }
  const claim = await api<{ token: string; expiresAt: string }>(
    'POST',
    `/api/v1/devices/${device}/claim-tokens`,
    hours === undefined ? {} : { validHours: hours },
  );
  out(`claim token valid until ${claim.expiresAt} (one use)`);

  if (values['config-out'] !== undefined) {
    const file = values['config-out'];
    await writeFile(file, `${JSON.stringify({ deviceId: device, stateDir: '/var/lib/earshot' }, null, 2)}\n`);
    out(`wrote ${file}; copy it to the Pi as /etc/earshot/device.json, then run there:`);
    out(`  sudo earshot-device enrol --server ${server} --token ${claim.token} --config-out /etc/earshot/device.json`);
    return 0;
  }

  const settings: BootSettings = { ...(boot as Omit<BootSettings, 'claimToken'>), claimToken: claim.token };
  const partition = await openBootPartition(values.boot as string);
  const files = values.style === 'cloud-init' ? cloudInitFiles(settings) : firstrunFiles(settings);
  for (const [name, content] of files) {
    await partition.write(name, content);
    out(`wrote ${name} to ${partition.where}`);
  }
  if (values.style === 'firstrun') {
    const cmdline = await partition.read('cmdline.txt');
    if (cmdline === undefined) {
      throw new ProvisionError(`no cmdline.txt in ${partition.where}: is this a Raspberry Pi OS boot partition?`);
    }
    await partition.write('cmdline.txt', cmdlineWithFirstrun(cmdline));
    out('cmdline.txt: firstrun.sh runs at first boot');
  }
  out(`done: put the card in the Pi; it enrols as ${device} at first boot (needs network to ${server})`);
  out(firstBootLogHint(values.style));
  return 0;
}

/**
 * `earshot-server provision …` (what scripts/provision runs): its own usage on a usage error, one
 * line for any other failure, never a stack trace.
 */
export async function provisionCli(argv: string[]): Promise<number> {
  try {
    return await provision(
      argv,
      (line) => process.stdout.write(`${line}\n`),
      (line) => process.stderr.write(`${line}\n`),
    );
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`provision: ${error.message}\n\n${PROVISION_USAGE}\n`);
      return EX_USAGE;
    }
    // Anything else (a disk that filled up, a card pulled out) is told as a sentence, not a
    // stack trace; the checks above make it rare after the device was registered.
    const message = error instanceof ProvisionError ? error.message : `failed: ${(error as Error).message}`;
    process.stderr.write(`provision: ${message}\n`);
    return 1;
  }
}
