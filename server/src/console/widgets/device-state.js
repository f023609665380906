// A device's state and its alerts as small badges, shared by the device list and the detail.
import { h } from '../dom.js';
import { formatDbfs, t } from '../i18n.js';

const KNOWN_STATES = ['online', 'offline', 'unknown'];
export const KNOWN_ALERTS = [
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

/** The microphone's state in words, with its level when the device measured one. */
export function micText(mic) {
  const known = ['ok', 'dead', 'no-audio', 'unknown'].includes(mic.state) ? mic.state : 'unknown';
  const level = typeof mic.rmsDbfs === 'number' && Number.isFinite(mic.rmsDbfs) ? ` · ${formatDbfs(mic.rmsDbfs)}` : '';
  return `${t(`devices.mic.${known}`)}${level}`;
}

export function clockText(clock) {
  if (clock.synchronized === null) return t('device.clockUnknown');
  const offset = clock.offsetMs === undefined ? '' : ` (${clock.offsetMs} ${t('unit.milliseconds')})`;
  return `${clock.synchronized ? t('common.yes') : t('common.no')}${offset}`;
}
