/** What a first-boot package sets up on the Pi; checked by `checkBootSettings` before anything is written. */
export interface BootSettings {
  hostname: string;
  user: string;
  sshKey: string;
  timeZone: string;
  wifi: { ssid: string; psk: string; country: string } | undefined;
  /** URL of the Earshot release tarball the Pi downloads (it holds scripts/install-device). */
  packageUrl: string;
  /** The server's HTTP base URL, as the Pi reaches it. */
  serverUrl: string;
  claimToken: string;
  deviceId: string;
}

const SSH_KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
];

/** Every problem with the settings, each naming the option and what was wrong. */
export function checkBootSettings(settings: BootSettings): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(settings.hostname)) {
    problems.push(
      `--hostname: "${settings.hostname}" is not a host name (1-63 lower-case letters, digits and inner hyphens)`,
    );
  }
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(settings.user) || settings.user === 'root') {
    problems.push(`--user: "${settings.user}" is not a valid login name (lower-case, at most 32, not root)`);
  }
  const keyProblem = sshKeyProblem(settings.sshKey);
  if (keyProblem) problems.push(`--ssh-key: ${keyProblem}`);
  if (!knownTimeZone(settings.timeZone)) problems.push(`--timezone: "${settings.timeZone}" is not an IANA time zone`);
  if (settings.wifi) {
    const { ssid, psk, country } = settings.wifi;
    if (Buffer.byteLength(ssid) < 1 || Buffer.byteLength(ssid) > 32)
      problems.push('--wifi-ssid: must be 1 to 32 bytes');
    if (/["\\\n\r]/.test(ssid)) problems.push('--wifi-ssid: quotes, backslashes and line breaks are not supported');
    if (!/^[\x20-\x7e]{8,63}$/.test(psk) && !/^[0-9a-fA-F]{64}$/.test(psk)) {
      problems.push('--wifi-psk: a WPA passphrase has 8 to 63 printable ASCII characters (or 64 hex digits)');
    }
    if (/["\\']/.test(psk)) problems.push('--wifi-psk: quotes and backslashes are not supported');
    if (!knownCountry(country)) {
      problems.push(`--wifi-country: "${country}" is not an ISO 3166-1 alpha-2 country code (e.g. RU, GB, DE)`);
    }
  }
  for (const [option, url] of [
    ['--package', settings.packageUrl],
    ['--server', settings.serverUrl],
  ] as const) {
    if (!/^https?:\/\/[^\s'"]+$/.test(url)) problems.push(`${option}: "${url}" is not an http(s) URL`);
  }
  if (!/^ect_[A-Za-z0-9_-]+$/.test(settings.claimToken)) problems.push('claim token: not one the server made');
  return problems;
}

function sshKeyProblem(key: string): string | undefined {
  const [type, blob, ...comment] = key.trim().split(/\s+/);
  if (!type || !SSH_KEY_TYPES.includes(type)) {
    return `not an OpenSSH public key (it should start with one of ${SSH_KEY_TYPES.slice(0, 3).join(', ')}, …; give the .pub file)`;
  }
  if (!blob || !/^[A-Za-z0-9+/]+={0,3}$/.test(blob)) return 'the key data is not base64';
  // The blob starts with its own type as a length-prefixed string: a pasted key cut short or mixed up shows here.
  const bytes = Buffer.from(blob, 'base64');
  const length = bytes.length >= 4 ? bytes.readUInt32BE(0) : -1;
  if (length < 0 || bytes.subarray(4, 4 + length).toString('latin1') !== type) {
    return `the key data does not match its type ${type} (truncated or damaged?)`;
  }
  if (comment.join(' ').includes("'")) return 'the comment must not contain a single quote';
  return undefined;
}

function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone);
  } catch {
    return false;
  }
}

/** Intl knows the ISO 3166 regions: an unknown code comes back as itself, a known one as a name. */
function knownCountry(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  const name = new Intl.DisplayNames(['en'], { type: 'region' }).of(code);
  return name !== code && name !== 'Unknown Region';
}
