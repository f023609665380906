// Devices in the user's scope with their state (online/offline since, from the broker's presence
// messages and the Last Will) and open alerts; a device's id opens its detail (#/devices/ID).
import { listFleet, listStores } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';
import { dataTable } from '../widgets/data-table.js';
import { alertBadges, stateBadge } from '../widgets/device-state.js';

export async function renderDevices(main) {
  main.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  const [devices, stores] = await Promise.all([listFleet(), listStores()]);
  const storesById = new Map(stores.map((s) => [s.id, s]));
  const online = devices.filter((d) => d.state === 'online').length;
  const alerting = devices.filter((d) => d.alerts.length > 0).length;
  main.replaceChildren(
    h('h1', {}, t('devices.title')),
    h(
      'p',
      { class: 'muted', 'data-testid': 'device-summary' },
      t('devices.summary', { online, total: devices.length }),
      alerting > 0 ? ` · ${t('devices.alerting', { count: alerting })}` : '',
    ),
    devices.length === 0
      ? h('p', { class: 'muted' }, t('devices.empty'))
      : dataTable(
          ['id', 'name', 'store', 'state', 'since', 'version', 'alerts'].map((c) => t(`devices.col.${c}`)),
          devices.map((device) => {
            const store = storesById.get(device.storeId);
            return h(
              'tr',
              { 'data-device-id': device.id, 'data-state': device.state },
              h('td', {}, h('a', { href: `#/devices/${encodeURIComponent(device.id)}` }, device.id)),
              h('td', {}, device.name ?? '—'),
              h('td', {}, store?.name ?? device.storeId ?? '—'),
              h('td', {}, stateBadge(device.state)),
              // A device that never connected has only its registration time: nothing was seen.
              h('td', {}, device.state === 'unknown' ? '—' : formatDateTime(device.stateSince, store?.timeZone)),
              h('td', {}, device.version ?? '—'),
              h('td', {}, alertBadges(device.alerts)),
            );
          }),
          { class: 'devices' },
        ),
  );
}
