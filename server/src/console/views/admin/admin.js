// Administration (admins only): stores, users and their stores, checklists, devices. Each tab is
// its own view in this folder; the address names the tab (#/admin/users), so a link opens it.
import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { renderAdminChecklists } from './admin-checklists.js';
import { renderAdminDevices } from './admin-devices.js';
import { renderAdminStores } from './admin-stores.js';
import { renderAdminUsers } from './admin-users.js';

const TABS = {
  stores: renderAdminStores,
  users: renderAdminUsers,
  checklists: renderAdminChecklists,
  devices: renderAdminDevices,
};
export const ADMIN_TABS = Object.keys(TABS);

export async function renderAdmin(main, tab = 'stores') {
  const body = h('section', { class: 'admin-tab', 'data-tab': tab });
  main.replaceChildren(
    h('h1', {}, t('admin.title')),
    h(
      'nav',
      { class: 'tabs', 'aria-label': t('admin.title') },
      ADMIN_TABS.map((name) =>
        h(
          'a',
          {
            href: `#/admin/${name}`,
            class: name === tab ? 'active' : undefined,
            'data-admin-tab': name,
            'aria-current': name === tab ? 'page' : undefined,
          },
          t(`admin.tab.${name}`),
        ),
      ),
    ),
    body,
  );
  body.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  await TABS[tab](body);
}
