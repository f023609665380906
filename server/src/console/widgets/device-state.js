// A device's state and its alerts as small badges, shared by the device list and the detail.
import { h } from '../dom.js';
import { t } from '../i18n.js';

const KNOWN_STATES = ['online', 'offline', 'unknown'];
const KNOWN_ALERTS = [
  'offline',
  'mic-dead',
  'button-stuck',
  'backlog-growing',
  'disk-low',
  'clock-unsynchronised',
  'mic-missing',
  'recorder-restarting',
  'presses-refused',
];

export function stateBadge(state) {
  const known = KNOWN_STATES.includes(state) ? state : 'unknown';
  return h('span', { class: `state ${known}` }, t(`devices.state.${known}`));
}

/** Open alerts, each with its detail as the tooltip. */
export function alertBadges(alerts) {
  if (alerts.length === 0) return h('span', { class: 'muted' }, '—');
  return alerts.map((alert) =>
    h(
      'span',
      { class: 'alert-badge', 'data-alert': alert.kind, title: alert.detail },
      KNOWN_ALERTS.includes(alert.kind) ? t(`alerts.${alert.kind}`) : alert.kind,
    ),
  );
}
