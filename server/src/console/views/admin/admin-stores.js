// Stores: their name, time zone (which local days and hours every figure uses) and language
// (which the answers are read in). Editing a row fills the form; saving puts the store.
import { listStores, putStore } from '../../api.js';
import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { field, statusLine, submitWith } from '../../widgets/admin-form.js';
import { dataTable } from '../../widgets/data-table.js';

const ZONES = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

export async function renderAdminStores(section) {
  const list = h('div', {});
  const status = statusLine('store-status');
  const form = h(
    'form',
    {
      class: 'card admin-form',
      'data-testid': 'store-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const data = Object.fromEntries(new FormData(form));
        const body = { name: data.name, timeZone: data.timeZone, language: data.language };
        if (await submitWith(form, status, () => putStore(data.id, body))) await refresh();
      },
    },
    h('h2', {}, t('admin.stores.form')),
    field(
      t('admin.stores.id'),
      h('input', { name: 'id', required: true, pattern: '[a-z0-9][a-z0-9_\\-]{0,63}', title: t('admin.idHint') }),
    ),
    field(t('admin.stores.name'), h('input', { name: 'name', required: true, maxlength: 200 })),
    field(
      t('admin.stores.timeZone'),
      h('input', { name: 'timeZone', required: true, list: 'time-zones', autocomplete: 'off' }),
    ),
    h(
      'datalist',
      { id: 'time-zones' },
      ZONES.map((zone) => h('option', { value: zone })),
    ),
    field(
      t('admin.stores.language'),
      h(
        'select',
        { name: 'language' },
        ['en', 'ru'].map((code) => h('option', { value: code }, t(`admin.language.${code}`))),
      ),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('admin.save'))),
    status.element,
  );
  const edit = (store) => {
    form.elements.id.value = store.id;
    form.elements.name.value = store.name;
    form.elements.timeZone.value = store.timeZone;
    form.elements.language.value = store.language.slice(0, 2);
    form.elements.name.focus();
  };
  const refresh = async () => {
    const stores = await listStores();
    list.replaceChildren(
      stores.length === 0
        ? h('p', { class: 'muted' }, t('admin.stores.empty'))
        : dataTable(
            [t('admin.stores.id'), t('admin.stores.name'), t('admin.stores.timeZone'), t('admin.stores.language'), ''],
            stores.map((store) =>
              h(
                'tr',
                { 'data-store-id': store.id },
                h('td', {}, store.id),
                h('td', {}, store.name),
                h('td', {}, store.timeZone),
                h('td', {}, store.language),
                h(
                  'td',
                  {},
                  h(
                    'button',
                    { type: 'button', class: 'link', 'data-action': 'edit', onclick: () => edit(store) },
                    t('admin.edit'),
                  ),
                ),
              ),
            ),
            { class: 'admin-stores' },
          ),
    );
  };
  await refresh();
  section.replaceChildren(list, form);
}
