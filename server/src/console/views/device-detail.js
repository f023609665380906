// One device for a technician: state, open and past alerts, heartbeat history, the remote
// configuration with the device's answer, and (admins) a test press with a player for its clip.
// Refreshed every few seconds while open, without touching the form being filled in.
import { ApiError, getClip, getFleetDevice, pushDeviceConfig, testPress } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, formatMegabytes, t } from '../i18n.js';
import { alertBadges, clockText, micText, stateBadge } from '../widgets/device-state.js';
import { heartbeatHistory } from '../widgets/heartbeat-history.js';

const REFRESH_MS = 2000;

export async function renderDeviceDetail(main, id, user) {
  main.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  let device = await getFleetDevice(id);
  const summary = h('dl', { class: 'device-summary', 'data-testid': 'device-state' });
  const alerts = h('div', { class: 'table-wrap' });
  const history = h('div', {});
  const configState = h('p', { 'data-testid': 'config-state' });
  let historyAt;
  const show = () => {
    summary.replaceChildren(...summaryItems(device).flat());
    alerts.replaceChildren(alertTable(device.alerts));
    // Redrawn only when a heartbeat came in: the graphs keep their size and hover meanwhile.
    const newest = device.heartbeats.at(-1)?.receivedAt;
    if (newest !== historyAt) {
      historyAt = newest;
      history.replaceChildren(heartbeatHistory(device.heartbeats));
    }
    showConfigState(configState, device.config);
  };
  show();
  const canManage = user.role !== 'manager';
  const card = (title, testid, ...content) =>
    h('section', { class: 'card', 'data-card': testid }, h('h2', {}, title), ...content);
  const cards = [card(t('device.status'), 'status', summary)];
  if (canManage) {
    const refresh = async () => {
      device = await getFleetDevice(id);
      show();
    };
    cards.push(card(t('device.config'), 'config', configForm(device, configState, refresh)));
  }
  if (user.role === 'admin') cards.push(card(t('device.testPress'), 'test-press', testPressForm(device)));
  main.replaceChildren(
    h('p', {}, h('a', { href: '#/devices' }, `← ${t('devices.title')}`)),
    h('h1', {}, device.name ? `${device.name} (${device.id})` : device.id),
    h('div', { class: 'device-cards' }, ...cards),
    card(t('device.alerts'), 'alerts', alerts),
    card(t('device.heartbeats'), 'heartbeats', history),
  );
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
  return [
    item('state', [stateBadge(device.state), ` ${t('device.since')} ${formatDateTime(device.stateSince)}`], 'state'),
    item('version', device.version ?? '—'),
    item('uptime', beat ? uptimeText(beat.uptimeSeconds) : '—'),
    item('mic', beat ? micText(beat.mic) : '—', 'mic'),
    item(
      'buttons',
      beat?.buttons?.length
        ? beat.buttons.map((b) => `${b.input} ${b.button}: ${t(`device.button.${b.condition}`)}`).join(', ')
        : '—',
    ),
    item('clock', beat ? clockText(beat.clock) : '—'),
    item(
      'outbox',
      beat
        ? `${beat.outbox.clips} · ${formatMegabytes(beat.outbox.bytes)}${beat.outbox.full ? ` · ${t('device.outboxFull')}` : ''}`
        : '—',
    ),
    item('disk', formatMegabytes(beat?.disk.freeBytes)),
    item('lastPress', device.lastPressAt ? formatDateTime(device.lastPressAt) : '—'),
    item('lastClip', device.lastClipAt ? formatDateTime(device.lastClipAt) : '—'),
    item('openAlerts', alertBadges(device.alerts.filter((a) => a.resolvedAt === null))),
  ];
}

function uptimeText(seconds) {
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  if (hours >= 24) return t('device.uptimeDays', { d: Math.floor(hours / 24), h: hours % 24 });
  if (hours >= 1) return t('device.uptimeHours', { h: hours, m: minutes % 60 });
  return t('device.uptimeMinutes', { m: minutes });
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
          // The server writes the detail in English: marked so, for readers and translators.
          h('td', { lang: 'en' }, a.detail),
          h('td', {}, formatDateTime(a.raisedAt)),
          h('td', {}, a.resolvedAt ? formatDateTime(a.resolvedAt) : '—'),
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
    // Nothing applied from here before: the device keeps its own (local) configuration.
    text =
      state.appliedVersion === null || state.appliedVersion === undefined
        ? t('device.configRejectedLocal', { version: state.version, reason: state.reason })
        : t('device.configRejected', { version: state.version, reason: state.reason, kept: state.appliedVersion });
  } else if (pushed) {
    status = 'pending';
    text = t('device.configPending', { version: pushed.version });
  }
  element.setAttribute('data-status', status);
  element.className = status === 'rejected' ? 'error' : 'muted';
  element.textContent = text;
}

function configForm(device, configState, refresh) {
  // What the device reports in force; before its first such heartbeat, what was last sent.
  const clips = { ...device.config.pushed?.clips, ...device.heartbeat?.clips };
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
    h('p', { class: 'muted' }, t('device.configLabels')),
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
  if (device.buttons.length === 0) return h('p', { class: 'muted' }, t('device.noMappedButtons'));
  // Only buttons that answer a question: a press of another would file a clip with no question.
  const select = h(
    'select',
    { name: 'button' },
    device.buttons.map((b) => h('option', { value: String(b.button) }, `${b.button} · ${b.label}`)),
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
