import { stringify } from 'yaml';
import type { BootSettings } from './boot-settings.js';

/** Where things land on the Pi. */
const FIRSTBOOT_SCRIPT = '/usr/local/sbin/earshot-firstboot';
const ENROL_ENV = '/etc/earshot/enrol.env';
const DEVICE_CONFIG = '/etc/earshot/device.json';
const STATE_DIR = '/var/lib/earshot';
const APP_DIR = '/opt/earshot';

/**
 * Debian packages the device needs: curl for the download, alsa-utils (arecord) and opus-tools for
 * audio, and a compiler for the native addons npm builds on the Pi (epoll and ioctl ship no
 * prebuilt binaries; serialport's arm64 one is prebuilt).
 */
const DEVICE_PACKAGES = ['curl', 'ca-certificates', 'alsa-utils', 'opus-tools', 'g++', 'make', 'python3'];

/** Appended to cmdline.txt so that an image without cloud-init runs firstrun.sh once (as Raspberry Pi Imager does). */
export const FIRSTRUN_CMDLINE =
  'systemd.run=/boot/firstrun.sh systemd.run_success_action=reboot systemd.unit=kernel-command-line.target';

/**
 * Where a Pi that does not come online tells why. The first-boot script tags its own steps
 * `earshot-firstboot` in the journal on either path; what the installs printed is in cloud-init's
 * output log (it runs the script from runcmd: there is no earshot-firstboot unit), or in the
 * journal of the unit firstrun.sh installs.
 */
export function firstBootLogHint(style: 'cloud-init' | 'firstrun'): string {
  return style === 'cloud-init'
    ? 'if it does not come online, on the Pi: journalctl -t earshot-firstboot (its steps) and /var/log/cloud-init-output.log (all it printed)'
    : 'if it does not come online, on the Pi: journalctl -u earshot-firstboot (its steps and all it printed)';
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The one-time token and where to use it: the only Earshot secret on the card, deleted once the
 * device has enrolled.
 */
function enrolEnv(settings: BootSettings): string {
  return [
    `EARSHOT_SERVER=${shellQuote(settings.serverUrl)}`,
    `EARSHOT_CLAIM_TOKEN=${shellQuote(settings.claimToken)}`,
    `EARSHOT_PACKAGE_URL=${shellQuote(settings.packageUrl)}`,
    '',
  ].join('\n');
}

/**
 * Runs on the Pi's first boot with the network up (from cloud-init's runcmd, or from the
 * systemd unit firstrun.sh installs): Debian packages, Node 20+, the Earshot release tarball
 * (built by scripts/package-device) unpacked to /opt/earshot, its npm dependencies, the service and
 * the earshot-device command (scripts/install-service), enrolment, the daemon. Every step may be
 * repeated: a failure is retried by running the script again.
 */
function firstbootScript(): string {
  return `#!/bin/bash
# Written by scripts/provision. Installs Earshot and enrols this device with its one-time token.
set -euo pipefail
. ${ENROL_ENV}
say() { echo "earshot-firstboot: $*"; logger -t earshot-firstboot -- "$*" || true; }
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
export DEBIAN_FRONTEND=noninteractive
missing=$(for p in ${DEVICE_PACKAGES.join(' ')}; do dpkg-query -W -f='\${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"; done)
if [ -n "$missing" ]; then
  say "installing" $missing
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing
fi
if [ "$(node_major)" -lt 20 ]; then
  say "installing Node.js"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm || true
fi
if [ "$(node_major)" -lt 20 ]; then
  say "Debian's Node.js is older than 20; installing Node.js 20 from NodeSource"
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y -qq nodejs
fi
say "downloading Earshot from $EARSHOT_PACKAGE_URL"
rm -rf ${APP_DIR}
mkdir -p ${APP_DIR}
curl -fsSL --retry 10 --retry-all-errors "$EARSHOT_PACKAGE_URL" | tar -xz -C ${APP_DIR} --strip-components=1
say "installing its dependencies (npm ci; compiles the native addons)"
(cd ${APP_DIR} && npm ci --omit=dev --workspace=device --no-audit --no-fund)
say "installing the service and the earshot-device command"
${APP_DIR}/scripts/install-service device --app ${APP_DIR}
say "enrolling with $EARSHOT_SERVER"
earshot-device enrol --server "$EARSHOT_SERVER" --token "$EARSHOT_CLAIM_TOKEN" \\
  --config-out ${DEVICE_CONFIG} --state-dir ${STATE_DIR}
# enrol ran as root: the daemon runs as earshot and must read its credentials.
chown -R earshot:earshot ${STATE_DIR}
rm -f ${ENROL_ENV}
systemctl restart earshot-device || say "earshot-device.service did not start: see journalctl -u earshot-device"
say "done: check it with earshot-device doctor"
`;
}

/** Bookworm/Trixie cloud-init: user-data, meta-data and network-config for the boot partition. */
export function cloudInitFiles(settings: BootSettings): Map<string, string> {
  const userData = {
    hostname: settings.hostname,
    manage_etc_hosts: true,
    timezone: settings.timeZone,
    users: [
      {
        name: settings.user,
        groups: ['sudo', 'adm', 'audio', 'gpio', 'dialout', 'input'],
        shell: '/bin/bash',
        sudo: 'ALL=(ALL) NOPASSWD:ALL',
        lock_passwd: true,
        ssh_authorized_keys: [settings.sshKey.trim()],
      },
    ],
    ssh_pwauth: false,
    enable_ssh: true,
    package_update: true,
    packages: DEVICE_PACKAGES,
    write_files: [
      { path: ENROL_ENV, permissions: '0600', owner: 'root:root', content: enrolEnv(settings) },
      { path: FIRSTBOOT_SCRIPT, permissions: '0755', owner: 'root:root', content: firstbootScript() },
    ],
    runcmd: [[FIRSTBOOT_SCRIPT]],
  };
  const files = new Map<string, string>();
  files.set('user-data', `#cloud-config\n${stringify(userData, { lineWidth: 0 })}`);
  files.set('meta-data', `instance-id: earshot-${settings.deviceId}\nlocal-hostname: ${settings.hostname}\n`);
  const wifi = settings.wifi;
  const network = {
    network: {
      version: 2,
      ...(wifi
        ? {
            wifis: {
              wlan0: {
                dhcp4: true,
                optional: true,
                'regulatory-domain': wifi.country,
                'access-points': { [wifi.ssid]: { password: wifi.psk } },
              },
            },
          }
        : {}),
      ethernets: { eth0: { dhcp4: true, optional: true } },
    },
  };
  files.set('network-config', stringify(network, { lineWidth: 0 }));
  return files;
}

/**
 * Older images (Bullseye, early Bookworm) have no cloud-init: a firstrun.sh run once from the
 * kernel command line, as Raspberry Pi Imager does, sets the Pi up and installs a unit that runs
 * the first-boot script once the network is up.
 */
export function firstrunFiles(settings: BootSettings): Map<string, string> {
  const { hostname, user, sshKey, timeZone, wifi } = settings;
  const wifiLines = wifi
    ? `
# Wi-Fi: NetworkManager (Bookworm) or wpa_supplicant (Bullseye).
if [ -d /etc/NetworkManager/system-connections ]; then
  cat > /etc/NetworkManager/system-connections/earshot-wifi.nmconnection <<'WIFI'
[connection]
id=earshot-wifi
type=wifi
autoconnect=true
[wifi]
mode=infrastructure
ssid=${wifi.ssid}
[wifi-security]
key-mgmt=wpa-psk
psk=${wifi.psk}
[ipv4]
method=auto
[ipv6]
method=auto
WIFI
  chmod 600 /etc/NetworkManager/system-connections/earshot-wifi.nmconnection
else
  cat > /etc/wpa_supplicant/wpa_supplicant.conf <<'WIFI'
ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev
country=${wifi.country}
update_config=1
network={
  ssid="${wifi.ssid}"
  psk="${wifi.psk}"
}
WIFI
  chmod 600 /etc/wpa_supplicant/wpa_supplicant.conf
fi
if command -v raspi-config >/dev/null; then raspi-config nonint do_wifi_country ${wifi.country}; fi
rfkill unblock wifi || true
for f in /var/lib/systemd/rfkill/*:wlan; do echo 0 > "$f"; done 2>/dev/null || true
`
    : '';
  const script = `#!/bin/bash
# Written by scripts/provision: runs once at first boot (systemd.run in cmdline.txt), then removes itself.
set +e
CURRENT_HOSTNAME=$(tr -d " \\t\\n\\r" < /etc/hostname)
echo ${hostname} > /etc/hostname
sed -i "s/127.0.1.1.*$CURRENT_HOSTNAME/127.0.1.1\\t${hostname}/g" /etc/hosts

id -u ${user} >/dev/null 2>&1 || useradd -m -s /bin/bash -G sudo,adm,audio,gpio,dialout,input ${user}
passwd -l ${user}
install -d -m 700 -o ${user} -g ${user} /home/${user}/.ssh
echo ${shellQuote(sshKey.trim())} > /home/${user}/.ssh/authorized_keys
chown ${user}:${user} /home/${user}/.ssh/authorized_keys
chmod 600 /home/${user}/.ssh/authorized_keys
echo '${user} ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/010_${user}-nopasswd
chmod 440 /etc/sudoers.d/010_${user}-nopasswd
sed -i 's/^#\\?PasswordAuthentication .*/PasswordAuthentication no/' /etc/ssh/sshd_config
systemctl enable ssh

rm -f /etc/localtime
echo ${shellQuote(timeZone)} > /etc/timezone
dpkg-reconfigure -f noninteractive tzdata
${wifiLines}
install -d -m 755 /etc/earshot
cat > ${ENROL_ENV} <<'ENROL'
${enrolEnv(settings)}ENROL
chmod 600 ${ENROL_ENV}
cat > ${FIRSTBOOT_SCRIPT} <<'FIRSTBOOT'
${firstbootScript()}FIRSTBOOT
chmod 755 ${FIRSTBOOT_SCRIPT}
cat > /etc/systemd/system/earshot-firstboot.service <<'UNIT'
[Unit]
Description=Install Earshot and enrol this device (once)
Wants=network-online.target
After=network-online.target time-sync.target
ConditionPathExists=${ENROL_ENV}
[Service]
Type=oneshot
ExecStart=${FIRSTBOOT_SCRIPT}
Restart=on-failure
RestartSec=30
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/earshot-firstboot.service /etc/systemd/system/multi-user.target.wants/earshot-firstboot.service

rm -f /boot/firstrun.sh /boot/firmware/firstrun.sh
sed -i 's| systemd.run.*||g' /boot/cmdline.txt /boot/firmware/cmdline.txt 2>/dev/null
exit 0
`;
  return new Map([['firstrun.sh', script]]);
}

/** cmdline.txt with the firstrun hook appended once (it is a single line). */
export function cmdlineWithFirstrun(cmdline: string): string {
  const line = cmdline.trim().replace(/ systemd\.run.*$/, '');
  return `${line} ${FIRSTRUN_CMDLINE}\n`;
}
