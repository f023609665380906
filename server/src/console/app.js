// The console's shell: who is signed in, the navigation, the language switch, and which view the
// address (#/clips, #/clips/ID, #/review, #/dashboard, #/devices, #/devices/ID, #/admin/TAB) shows, and which of them
// the signed-in role may open.
import * as api from './api.js';
import { h } from './dom.js';
import { LANGUAGES, currentLanguage, onLanguageChange, setLanguage, t } from './i18n.js';
import { renderClipList } from './views/clip-list.js';
import { renderDashboard } from './views/dashboard.js';
import { renderDeviceDetail } from './views/device-detail.js';
import { renderDevices } from './views/devices.js';
import { renderLogin } from './views/login.js';
import { renderPlayer } from './views/player.js';
import { renderReview } from './views/review.js';
import { ADMIN_TABS, renderAdmin } from './views/admin/admin.js';

const root = document.getElementById('app');
let user = null;
/** Stops what the current view started (audio, timers). */
let leaveView = () => {};

/** The pages and who may open them: technicians never see customers' voices or words. */
const CLIPS = ['admin', 'manager'];
const EVERYONE = ['admin', 'manager', 'technician'];
const ADMINS = ['admin'];
const ROUTES = [
  {
    pattern: /^\/clips\/([^/]+)$/,
    nav: 'clips',
    roles: CLIPS,
    render: (main, [id], query) => renderPlayer(main, id, query, user),
  },
  { pattern: /^\/clips$/, nav: 'clips', roles: CLIPS, render: (main, _, query) => renderClipList(main, query) },
  { pattern: /^\/review$/, nav: 'review', roles: CLIPS, render: (main, _, query) => renderReview(main, query) },
  {
    pattern: /^\/dashboard$/,
    nav: 'dashboard',
    roles: CLIPS,
    render: (main, _, query) => renderDashboard(main, query),
  },
  {
    pattern: /^\/devices$/,
    nav: 'devices',
    roles: EVERYONE,
    render: (main, _, query) => renderDevices(main, query),
  },
  {
    pattern: /^\/devices\/([^/]+)$/,
    nav: 'devices',
    roles: EVERYONE,
    render: (main, [id]) => renderDeviceDetail(main, id, user),
  },
  { pattern: /^\/admin$/, nav: 'admin', roles: ADMINS, render: (main) => renderAdmin(main) },
  {
    pattern: new RegExp(`^/admin/(${ADMIN_TABS.join('|')})$`),
    nav: 'admin',
    roles: ADMINS,
    render: (main, [tab]) => renderAdmin(main, tab),
  },
];
const NAV = ['clips', 'review', 'dashboard', 'devices', 'admin'];
/** Where each role starts: managers (and admins) with the clips, technicians with the fleet. */
const HOME = { admin: '/clips', manager: '/clips', technician: '/devices' };

function parseHash() {
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  return { path: path || HOME[user.role] || '/devices', query: new URLSearchParams(search) };
}

const allowed = (route) => route.roles.includes(user.role);

function languageSwitch() {
  return h(
    'div',
    { class: 'language-switch', role: 'group', 'aria-label': t('nav.language') },
    LANGUAGES.map((code) =>
      h(
        'button',
        {
          type: 'button',
          'data-language': code,
          'aria-pressed': String(code === currentLanguage()),
          onclick: () => setLanguage(code),
        },
        code.toUpperCase(),
      ),
    ),
  );
}

function navigation(active) {
  const link = (name) =>
    h('a', { href: `#/${name}`, class: name === active ? 'active' : undefined, 'data-nav': name }, t(`nav.${name}`));
  return h(
    'header',
    { class: 'topbar' },
    h('span', { class: 'brand' }, t('app.title')),
    h('nav', {}, NAV.filter((name) => ROUTES.some((route) => route.nav === name && allowed(route))).map(link)),
    h(
      'div',
      { class: 'session' },
      languageSwitch(),
      h('span', { class: 'who', 'data-testid': 'who' }, `${user.username} · ${user.role}`),
      h('button', { type: 'button', class: 'link', 'data-action': 'logout', onclick: signOut }, t('nav.logout')),
    ),
  );
}

function render() {
  leaveView();
  leaveView = () => {};
  if (!user) {
    root.replaceChildren(
      h('div', { class: 'login-page' }, h('div', { class: 'login-language' }, languageSwitch()), loginView()),
    );
    return;
  }
  const { path, query } = parseHash();
  // The bare console address shows the role's home: say so in the address, as a link to it would.
  if (!location.hash) history.replaceState(null, '', `#${path}`);
  const route = ROUTES.find((r) => r.pattern.test(path));
  // An unknown address, or a page this role may not open (an old link): its own home instead.
  if (!route || !allowed(route)) {
    location.hash = `#${HOME[user.role] || '/devices'}`;
    return;
  }
  // Which address this view shows. The address changes before its hashchange is handled, and
  // until then the page is the previous view's: this tells the two apart (the browser tests wait
  // on it).
  const main = h('main', { 'data-view': route.nav, 'data-address': location.hash });
  root.replaceChildren(navigation(route.nav), main);
  const params = route.pattern.exec(path).slice(1).map(decodeURIComponent);
  Promise.resolve(route.render(main, params, query))
    .then((leave) => {
      if (typeof leave === 'function') {
        if (main.isConnected) leaveView = leave;
        else leave();
      }
    })
    .catch((error) => showError(main, error));
}

function loginView() {
  const container = h('div', { class: 'login-box' });
  renderLogin(container, async (signedIn) => {
    user = signedIn;
    render();
  });
  return container;
}

function showError(main, error) {
  const message = error?.status === 403 ? t('common.forbidden') : t('common.error', { message: error?.message });
  main.replaceChildren(h('p', { class: 'error', role: 'alert' }, message));
}

async function signOut() {
  await api.logout().catch(() => {});
  user = null;
  render();
}

api.whenSignedOut(() => {
  if (!user) return;
  user = null;
  render();
});
window.addEventListener('hashchange', render);
onLanguageChange(render);

try {
  user = await api.me();
} catch {
  user = null;
}
render();
