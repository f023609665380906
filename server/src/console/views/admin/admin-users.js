// Users: who may sign in, in which role, and a manager's stores. A new user, or a password
// reset, gets a generated password shown once here, as the CLI prints it once.
import { disableUser, enableUser, listStores, listUsers, putUser } from '../../api.js';
import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { field, statusLine, submitWith } from '../../widgets/admin-form.js';
import { dataTable } from '../../widgets/data-table.js';

const ROLES = ['admin', 'manager', 'technician'];

export async function renderAdminUsers(section) {
  const stores = await listStores();
  const list = h('div', {});
  const status = statusLine('user-status');
  const storeBoxes = stores.map((store) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'stores', value: store.id }), store.name),
  );
  const form = h(
    'form',
    {
      class: 'card admin-form',
      'data-testid': 'user-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const data = new FormData(form);
        const username = String(data.get('username'));
        const body = { role: String(data.get('role')), stores: data.getAll('stores').map(String) };
        if (data.get('newPassword') === 'on') body.generatePassword = true;
        const saved = await submitWith(form, status, async () => {
          const result = await putUser(username, body);
          return result.generatedPassword
            ? t('admin.users.password', { username, password: result.generatedPassword })
            : t('admin.saved');
        });
        if (saved) await refresh();
      },
    },
    h('h2', {}, t('admin.users.form')),
    field(
      t('admin.users.username'),
      h('input', { name: 'username', required: true, pattern: '[a-z0-9][a-z0-9._\\-]{1,63}', autocomplete: 'off' }),
    ),
    field(
      t('admin.users.role'),
      h(
        'select',
        { name: 'role' },
        ROLES.map((role) => h('option', { value: role }, t(`admin.role.${role}`))),
      ),
    ),
    h('fieldset', { class: 'stores' }, h('legend', {}, t('admin.users.stores')), storeBoxes),
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'newPassword', checked: true }),
      t('admin.users.generate'),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('admin.save'))),
    status.element,
  );
  const edit = (user) => {
    form.elements.username.value = user.username;
    form.elements.role.value = user.role;
    for (const box of form.querySelectorAll('input[name=stores]')) box.checked = user.stores.includes(box.value);
    form.elements.newPassword.checked = false;
  };
  const storeName = (id) => stores.find((s) => s.id === id)?.name ?? id;
  const toggle = async (user) => {
    await submitWith(form, status, () => (user.disabled ? enableUser(user.username) : disableUser(user.username)));
    await refresh();
  };
  const refresh = async () => {
    const users = await listUsers();
    list.replaceChildren(
      dataTable(
        ['username', 'role', 'storesColumn', 'state', ''].map((c) => (c ? t(`admin.users.${c}`) : '')),
        users.map((user) =>
          h(
            'tr',
            { 'data-username': user.username, 'data-disabled': String(user.disabled) },
            h('td', {}, user.username),
            h('td', {}, t(`admin.role.${user.role}`)),
            h(
              'td',
              {},
              user.role === 'manager' ? user.stores.map(storeName).join(', ') || '—' : t('admin.users.allStores'),
            ),
            h('td', {}, user.disabled ? t('admin.users.disabled') : t('admin.users.active')),
            h(
              'td',
              { class: 'row-actions' },
              h(
                'button',
                { type: 'button', class: 'link', 'data-action': 'edit', onclick: () => edit(user) },
                t('admin.edit'),
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  'data-action': user.disabled ? 'enable' : 'disable',
                  onclick: () => toggle(user),
                },
                user.disabled ? t('admin.users.enable') : t('admin.users.disable'),
              ),
            ),
          ),
        ),
        { class: 'admin-users' },
      ),
    );
  };
  await refresh();
  section.replaceChildren(list, form);
}
