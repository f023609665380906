// Devices in the user's scope with their last known state (online/offline from the broker's
// presence messages); details and provisioning come with their own issue.
import { listDevices, listStores } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';

const KNOWN_STATES = ['online', 'offline', 'unknown'];

export async function renderDevices(main) {
  main.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  const [devices, stores] = await Promise.all([listDevices(), listStores()]);
  const storesById = new Map(stores.map((s) => [s.id, s]));
  const online = devices.filter((d) => d.state === 'online').length;
  main.replaceChildren(
    h('h1', {}, t('devices.title')),
    h(
      'p',
      { class: 'muted', 'data-testid': 'device-summary' },
      t('devices.summary', { online, total: devices.length }),
    ),
    devices.length === 0
      ? h('p', { class: 'muted' }, t('devices.empty'))
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'devices' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['id', 'name', 'store', 'state', 'lastSeen'].map((c) => h('th', {}, t(`devices.col.${c}`))),
              ),
            ),
            h(
              'tbody',
              {},
              devices.map((device) => {
                const store = storesById.get(device.storeId);
                const state = KNOWN_STATES.includes(device.state) ? device.state : 'unknown';
                return h(
                  'tr',
                  { 'data-device-id': device.id, 'data-state': device.state },
                  h('td', {}, device.id),
                  h('td', {}, device.name ?? '—'),
                  h('td', {}, store?.name ?? device.storeId ?? '—'),
                  h('td', {}, h('span', { class: `state ${state}` }, t(`devices.state.${state}`))),
                  // A device that never connected has only its registration time: nothing was seen.
                  h('td', {}, state === 'unknown' ? '—' : formatDateTime(device.lastSeenAt, store?.timeZone)),
                );
              }),
            ),
          ),
        ),
  );
}
