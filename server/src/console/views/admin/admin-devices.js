// Devices: register one, rename it, move it between stores, and make its one-time claim token
// (shown as a QR code and as text). Moving a device files its later clips under the new store.
import { ApiError, createClaimToken, listDevices, listStores, putDevice } from '../../api.js';
import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { field, statusLine, submitWith } from '../../widgets/admin-form.js';
import { claimTokenCard } from '../../widgets/claim-token.js';
import { dataTable } from '../../widgets/data-table.js';

export async function renderAdminDevices(section) {
  const stores = await listStores();
  const list = h('div', {});
  const token = h('div', {});
  const status = statusLine('device-status');
  const storeSelect = (name, selected) =>
    h(
      'select',
      { name, 'aria-label': t('admin.devices.store') },
      h('option', { value: '' }, t('admin.devices.noStore')),
      stores.map((s) => h('option', { value: s.id, selected: s.id === selected }, s.name)),
    );
  const form = h(
    'form',
    {
      class: 'card admin-form',
      'data-testid': 'device-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const data = Object.fromEntries(new FormData(form));
        const body = { name: data.name || null, storeId: data.storeId || null };
        if (await submitWith(form, status, () => putDevice(data.id, body))) await refresh();
      },
    },
    h('h2', {}, t('admin.devices.form')),
    field(
      t('admin.devices.id'),
      h('input', { name: 'id', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}', title: t('admin.idHint') }),
    ),
    field(t('admin.devices.name'), h('input', { name: 'name', maxlength: 200 })),
    field(t('admin.devices.store'), storeSelect('storeId')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('admin.save'))),
    status.element,
  );
  const save = async (row, device) => {
    const body = {
      name: row.querySelector('[name=name]').value || null,
      storeId: row.querySelector('[name=storeId]').value || null,
    };
    await submitWith(form, status, async () => {
      await putDevice(device.id, body);
      return t('admin.devices.saved', { id: device.id });
    });
  };
  const claim = async (device) => {
    const make = (replace) => createClaimToken(device.id, replace ? { replace: true } : {});
    await submitWith(form, status, async () => {
      let made;
      try {
        made = await make(false);
      } catch (error) {
        // An enrolled device: a new token replaces it (a swapped Pi), which revokes its login.
        if (!(error instanceof ApiError && error.status === 409 && /enrolled/.test(error.message))) throw error;
        if (!window.confirm(t('admin.devices.confirmReplace', { id: device.id }))) return t('admin.devices.kept');
        made = await make(true);
      }
      token.replaceChildren(claimTokenCard(made));
      token.scrollIntoView({ block: 'nearest' });
      return t('admin.devices.tokenMade', { id: device.id });
    });
  };
  const refresh = async () => {
    const devices = await listDevices();
    list.replaceChildren(
      devices.length === 0
        ? h('p', { class: 'muted' }, t('admin.devices.empty'))
        : dataTable(
            [t('admin.devices.id'), t('admin.devices.name'), t('admin.devices.store'), ''],
            devices.map((device) => {
              const row = h(
                'tr',
                { 'data-device-id': device.id },
                h('td', {}, device.id),
                h(
                  'td',
                  {},
                  h('input', { name: 'name', value: device.name ?? '', 'aria-label': t('admin.devices.name') }),
                ),
                h('td', {}, storeSelect('storeId', device.storeId)),
              );
              row.append(
                h(
                  'td',
                  { class: 'row-actions' },
                  h(
                    'button',
                    { type: 'button', 'data-action': 'save-device', onclick: () => save(row, device) },
                    t('admin.save'),
                  ),
                  h(
                    'button',
                    { type: 'button', 'data-action': 'claim-token', onclick: () => claim(device) },
                    t('admin.devices.claim'),
                  ),
                ),
              );
              return row;
            }),
            { class: 'admin-devices' },
          ),
    );
  };
  await refresh();
  section.replaceChildren(list, token, form);
}
