// One device for a technician: state, open and past alerts, heartbeat history, the remote
// configuration with the device's answer, and (admins) a test press with a player for its clip.
// Refreshed every few seconds while open, without touching the form being filled in.
import { ApiError, getClip, getFleetDevice, pushDeviceConfig, testPress } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';
import { alertBadges, stateBadge } from '../widgets/device-state.js';

const REFRESH_MS = 2000;
const HISTORY_ROWS = 30;

export async function renderDeviceDetail(main, id, user) {
  main.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  let device = await getFleetDevice(id);
  const summary = h('dl', { class: 'device-summary', 'data-testid': 'device-state' });
  const alerts = h('div', { class: 'table-wrap' });
  const history = h('div', { class: 'table-wrap', 'data-testid': 'heartbeats' });
  const configState = h('p', { 'data-testid': 'config-state' });
  const show = () => {
    summary.replaceChildren(...summaryItems(device).flat());
    alerts.replaceChildren(alertTable(device.alerts));
    history.replaceChildren(heartbeatTable(device.heartbeats));
    showConfigState(configState, device.config);
  };
  show();
  const canManage = user.role !== 'manager';
  const parts = [
    h('p', {}, h('a', { href: '#/devices' }, `← ${t('devices.title')}`)),
    h('h1', {}, device.name ? `${device.name} (${device.id})` : device.id),
    summary,
    h('h2', {}, t('device.alerts')),
    alerts,
    h('h2', {}, t('device.heartbeats')),
    history,
  ];
  if (canManage) {
    const refresh = async () => {
      device = await getFleetDevice(id);
      show();
    };
    parts.push(h('h2', {}, t('device.config')), configForm(device, configState, refresh));
  }
  if (user.role === 'admin') parts.push(h('h2', {}, t('device.testPress')), testPressForm(device));
  main.replaceChildren(...parts);
  const timer = window.setInterval(() => {
    getFleetDevice(id)
      .then((fresh) => {
        device = fresh;
        show();
      })
      .catch(() => {});
  }, REFRESH_MS);
  return () => window.clearInterval(timer);
}

function summaryItems(device) {
  const beat = device.heartbeat;
  const item = (key, value, testid) => [h('dt', {}, t(`device.${key}`)), h('dd', { 'data-testid': testid }, value)];
  const megabytes = (bytes) => (bytes === null || bytes === undefined ? '—' : `${Math.round(bytes / 1048576)} MB`);
  return [
    item('state', [stateBadge(device.state), ` ${t('device.since')} ${formatDateTime(device.stateSince)}`], 'state'),
    item('version', device.version ?? '—'),
    item('uptime', beat ? `${Math.round(beat.uptimeSeconds / 60)} min` : '—'),
    item('mic', beat ? micText(beat.mic) : '—', 'mic'),
    item(
      'buttons',
      beat?.buttons?.length ? beat.buttons.map((b) => `${b.input} ${b.button}: ${b.condition}`).join(', ') : '—',
    ),
    item('clock', beat ? clockText(beat.clock) : '—'),
    item(
      'outbox',
      beat ? `${beat.outbox.clips} · ${megabytes(beat.outbox.bytes)}${beat.outbox.full ? ' · FULL' : ''}` : '—',
    ),
    item('disk', megabytes(beat?.disk.freeBytes)),
    item('lastPress', device.lastPressAt ? formatDateTime(device.lastPressAt) : '—'),
    item('lastClip', device.lastClipAt ? formatDateTime(device.lastClipAt) : '—'),
    item('openAlerts', alertBadges(device.alerts.filter((a) => a.resolvedAt === null))),
  ];
}

function micText(mic) {
  const level =
    typeof mic.rmsDbfs === 'number' && Number.isFinite(mic.rmsDbfs) ? ` · ${mic.rmsDbfs.toFixed(1)} dBFS` : '';
  return `${mic.state}${level}`;
}

function clockText(clock) {
  if (clock.synchronized === null) return t('device.clockUnknown');
  const offset = clock.offsetMs === undefined ? '' : ` (${clock.offsetMs} ms)`;
  return `${clock.synchronized ? t('common.yes') : t('common.no')}${offset}`;
}

function alertTable(alerts) {
  if (alerts.length === 0) return h('p', { class: 'muted' }, t('device.noAlerts'));
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['kind', 'detail', 'raised', 'resolved'].map((c) => h('th', {}, t(`device.alert.${c}`))),
      ),
    ),
    h(
      'tbody',
      {},
      alerts.map((a) =>
        h(
          'tr',
          { 'data-alert': a.kind, 'data-open': String(a.resolvedAt === null) },
          h('td', {}, alertBadges([a])),
          h('td', {}, a.detail),
          h('td', {}, formatDateTime(a.raisedAt)),
          h('td', {}, a.resolvedAt ? formatDateTime(a.resolvedAt) : '—'),
        ),
      ),
    ),
  );
}

function heartbeatTable(heartbeats) {
  if (heartbeats.length === 0) return h('p', { class: 'muted' }, t('device.noHeartbeats'));
  const recent = heartbeats.slice(-HISTORY_ROWS).reverse();
  return h(
    'table',
    { class: 'heartbeats' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['at', 'mic', 'outbox', 'disk', 'clock'].map((c) => h('th', {}, t(`device.beat.${c}`))),
      ),
    ),
    h(
      'tbody',
      {},
      recent.map(({ receivedAt, heartbeat }) =>
        h(
          'tr',
          {},
          h('td', {}, formatDateTime(receivedAt)),
          h('td', {}, micText(heartbeat.mic)),
          h('td', {}, String(heartbeat.outbox.clips)),
          h('td', {}, heartbeat.disk.freeBytes === null ? '—' : `${Math.round(heartbeat.disk.freeBytes / 1048576)} MB`),
          h('td', {}, clockText(heartbeat.clock)),
        ),
      ),
    ),
  );
}

function showConfigState(element, config) {
  const { pushed, state } = config;
  let status = 'none';
  let text = t('device.configNone');
  if (state && pushed && state.version === pushed.version && state.status === 'applied') {
    status = 'applied';
    text = t('device.configApplied', { version: state.version });
  } else if (state && pushed && state.version === pushed.version && state.status === 'rejected') {
    status = 'rejected';
    text = t('device.configRejected', {
      version: state.version,
      reason: state.reason,
      kept: state.appliedVersion ?? '—',
    });
  } else if (pushed) {
    status = 'pending';
    text = t('device.configPending', { version: pushed.version });
  }
  element.setAttribute('data-status', status);
  element.className = status === 'rejected' ? 'error' : 'muted';
  element.textContent = text;
}

function configForm(device, configState, refresh) {
  const clips = device.config.pushed?.clips ?? {};
  const field = (name, value, attributes) =>
    h('label', {}, t(`device.field.${name}`), h('input', { name, type: 'number', value: value ?? '', ...attributes }));
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'device-config', 'data-testid': 'config-form' },
    field('preSeconds', clips.preSeconds, { min: 0, max: 600, step: 0.1 }),
    field('postSeconds', clips.postSeconds, { min: 0, max: 600, step: 0.1 }),
    field('buttons', clips.buttons, { min: 1, max: 64, step: 1 }),
    h('button', { type: 'submit' }, t('device.push')),
    configState,
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const settings = {};
    for (const name of ['preSeconds', 'postSeconds', 'buttons']) {
      const text = form.elements[name].value;
      if (text !== '') settings[name] = Number(text);
    }
    try {
      await pushDeviceConfig(device.id, { clips: settings });
      await refresh();
    } catch (failure) {
      error.textContent = failure instanceof ApiError ? failure.message : String(failure);
      error.hidden = false;
    }
  });
  return form;
}

function testPressForm(device) {
  const buttons = device.config.pushed?.clips?.buttons ?? 8;
  const select = h(
    'select',
    { name: 'button' },
    Array.from({ length: buttons }, (_, i) => h('option', { value: String(i + 1) }, String(i + 1))),
  );
  const result = h('div', { 'data-testid': 'test-press-result' });
  const press = h('button', { type: 'submit', 'data-action': 'test-press' }, t('device.press'));
  const form = h('form', { class: 'test-press' }, h('label', {}, t('device.field.button'), select), press, result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    press.disabled = true;
    result.replaceChildren(h('p', { class: 'muted' }, t('device.pressing')));
    try {
      const { clipId } = await testPress(device.id, Number(select.value));
      result.replaceChildren(
        h('p', { class: 'muted', 'data-clip-id': clipId }, t('device.waitingForClip', { clipId })),
      );
      const clip = await waitForClip(clipId);
      result.replaceChildren(
        h('p', {}, h('a', { href: `#/clips/${encodeURIComponent(clipId)}` }, clipId)),
        h('audio', { controls: true, preload: 'auto', src: clip.audioUrl, 'data-testid': 'test-press-audio' }),
      );
    } catch (failure) {
      result.replaceChildren(h('p', { class: 'error', role: 'alert' }, failure.message));
    } finally {
      press.disabled = false;
    }
  });
  return form;
}

/** The clip arrives after its post-roll and the upload: asks until it is there (or 3 minutes). */
async function waitForClip(clipId) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      return await getClip(clipId);
    } catch (failure) {
      if (!(failure instanceof ApiError) || failure.status !== 404 || Date.now() > deadline) throw failure;
    }
    await new Promise((resolve) => window.setTimeout(resolve, 1000));
  }
}
