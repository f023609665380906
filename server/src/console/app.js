// The console's shell: who is signed in, the navigation, the language switch, and which view the
// address (#/clips, #/clips/ID, #/review, #/dashboard, #/devices, #/devices/ID) shows.
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

const root = document.getElementById('app');
let user = null;
/** Stops what the current view started (audio, timers). */
let leaveView = () => {};

const ROUTES = [
  { pattern: /^\/clips\/([^/]+)$/, nav: 'clips', render: (main, [id], query) => renderPlayer(main, id, query, user) },
  { pattern: /^\/clips$/, nav: 'clips', render: (main, _, query) => renderClipList(main, query) },
  { pattern: /^\/review$/, nav: 'review', render: (main, _, query) => renderReview(main, query) },
  { pattern: /^\/dashboard$/, nav: 'dashboard', render: (main, _, query) => renderDashboard(main, query) },
  { pattern: /^\/devices$/, nav: 'devices', render: (main) => renderDevices(main) },
  { pattern: /^\/devices\/([^/]+)$/, nav: 'devices', render: (main, [id]) => renderDeviceDetail(main, id, user) },
];

function parseHash() {
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  return { path: path || '/clips', query: new URLSearchParams(search) };
}

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
    h('nav', {}, link('clips'), link('review'), link('dashboard'), link('devices')),
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
  const route = ROUTES.find((r) => r.pattern.test(path));
  if (!route) {
    location.hash = '#/clips';
    return;
  }
  const main = h('main', { 'data-view': route.nav });
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
