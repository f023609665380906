import assert from 'node:assert/strict';

/**
 * The first-boot script's install steps, in the order that works on a Pi: the release tarball
 * (scripts/package-device) unpacked, its dependencies (native addons compiled), the service and
 * the earshot-device command, enrolment, the credentials handed to the service's user, the start.
 */
const INSTALL_STEPS = [
  '| tar -xz -C /opt/earshot --strip-components=1\n',
  '(cd /opt/earshot && npm ci --omit=dev --workspace=device --no-audit --no-fund)\n',
  '/opt/earshot/scripts/install-service device --app /opt/earshot\n',
  'earshot-device enrol --server "$EARSHOT_SERVER" --token "$EARSHOT_CLAIM_TOKEN"',
  'chown -R earshot:earshot /var/lib/earshot\n',
  'systemctl restart earshot-device',
];

export function assertInstallSteps(script: string): void {
  const at = INSTALL_STEPS.map((step) => script.indexOf(step));
  assert.ok(
    at.every((index, i) => index >= 0 && (i === 0 || index > (at[i - 1] ?? 0))),
    `install steps out of order or missing (${at.join(', ')}):\n${script}`,
  );
  // The script it once called never existed; install-service is in the release tarball.
  assert.doesNotMatch(script, /install-device/);
}
