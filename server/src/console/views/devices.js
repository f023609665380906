// Devices in the user's scope: state (online/offline since, from the broker's presence messages
// and the Last Will), last heartbeat, microphone, upload backlog, version and open alerts, with
// filters by store and by problem kept in the address (#/devices?store=…&problem=…), so that a
// link reproduces the view. A device's id opens its detail (#/devices/ID).
import { listFleet, listStores } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';
import { dataTable } from '../widgets/data-table.js';
import { KNOWN_ALERTS, alertBadges, micText, stateBadge } from '../widgets/device-state.js';

/** Each problem a technician filters by, and which devices have it. */
const PROBLEMS = {
  any: (d) => d.state !== 'online' || d.alerts.length > 0,
  offline: (d) => d.state !== 'online',
  mic: (d) =>
    (d.heartbeat !== null && d.heartbeat.mic.state !== 'ok') || d.alerts.some((a) => a.kind.startsWith('mic')),
  backlog: (d) => (d.heartbeat?.outbox.clips ?? 0) > 0,
  ...Object.fromEntries(KNOWN_ALERTS.map((kind) => [`alert:${kind}`, (d) => d.alerts.some((a) => a.kind === kind)])),
};

const problemLabel = (problem) =>
  problem.startsWith('alert:')
    ? t('devices.filter.alert', { alert: t(`alerts.${problem.slice('alert:'.length)}`) })
    : t(problem === 'any' ? 'devices.filter.anyProblem' : `devices.filter.${problem}`);

export async function renderDevices(main, query = new URLSearchParams()) {
  main.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  const [devices, stores] = await Promise.all([listFleet(), listStores()]);
  const storesById = new Map(stores.map((s) => [s.id, s]));
  const online = devices.filter((d) => d.state === 'online').length;
  const alerting = devices.filter((d) => d.alerts.length > 0).length;
  const select = (name, options, chosen) =>
    h(
      'select',
      { name, 'data-filter': name },
      options.map(([value, text]) => h('option', { value, selected: value === chosen }, text)),
    );
  const chosenStore = storesById.has(query.get('store')) ? query.get('store') : '';
  const chosenProblem = query.get('problem') in PROBLEMS ? query.get('problem') : '';
  const storeSelect = select(
    'store',
    [['', t('devices.filter.allStores')], ...stores.map((s) => [s.id, s.name])],
    chosenStore,
  );
  const problemSelect = select(
    'problem',
    [['', t('devices.filter.anyState')], ...Object.keys(PROBLEMS).map((p) => [p, problemLabel(p)])],
    chosenProblem,
  );
  const shown = h('p', { class: 'muted', 'data-testid': 'devices-shown' });
  const table = h('div', {});
  const update = () => {
    const store = storeSelect.value;
    const problem = problemSelect.value;
    const matching = devices.filter(
      (d) => (store === '' || d.storeId === store) && (problem === '' || PROBLEMS[problem](d)),
    );
    const search = new URLSearchParams();
    if (store) search.set('store', store);
    if (problem) search.set('problem', problem);
    const hash = `#/devices${search.size ? `?${search}` : ''}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    main.dataset.address = hash;
    shown.textContent = t('devices.shown', { shown: matching.length, total: devices.length });
    table.replaceChildren(
      matching.length === 0
        ? h('p', { class: 'muted' }, t(devices.length === 0 ? 'devices.empty' : 'devices.noMatch'))
        : fleetTable(matching, storesById),
    );
  };
  storeSelect.addEventListener('change', update);
  problemSelect.addEventListener('change', update);
  main.replaceChildren(
    h('h1', {}, t('devices.title')),
    h(
      'p',
      { class: 'muted', 'data-testid': 'device-summary' },
      t('devices.summary', { online, total: devices.length }),
      alerting > 0 ? ` · ${t('devices.alerting', { count: alerting })}` : '',
    ),
    h(
      'div',
      { class: 'fleet-filters' },
      h('label', {}, t('devices.filter.store'), storeSelect),
      h('label', {}, t('devices.filter.problem'), problemSelect),
      shown,
    ),
    table,
  );
  update();
}

function fleetTable(devices, storesById) {
  const columns = ['id', 'name', 'store', 'state', 'since', 'heartbeat', 'mic', 'backlog', 'version', 'alerts'];
  return dataTable(
    columns.map((c) => t(`devices.col.${c}`)),
    devices.map((device) => {
      const store = storesById.get(device.storeId);
      const beat = device.heartbeat;
      const micProblem = beat !== null && beat.mic.state !== 'ok';
      return h(
        'tr',
        { 'data-device-id': device.id, 'data-state': device.state },
        h('td', {}, h('a', { href: `#/devices/${encodeURIComponent(device.id)}` }, device.id)),
        h('td', {}, device.name ?? '—'),
        h('td', {}, store?.name ?? device.storeId ?? '—'),
        h('td', {}, stateBadge(device.state)),
        // A device that never connected has only its registration time: nothing was seen.
        h('td', {}, device.state === 'unknown' ? '—' : formatDateTime(device.stateSince, store?.timeZone)),
        h(
          'td',
          { 'data-col': 'heartbeat' },
          device.heartbeatAt ? formatDateTime(device.heartbeatAt, store?.timeZone) : '—',
        ),
        h('td', { 'data-col': 'mic', class: micProblem ? 'problem' : '' }, beat ? micText(beat.mic) : '—'),
        h(
          'td',
          { 'data-col': 'backlog', class: (beat?.outbox.clips ?? 0) > 0 ? 'problem' : '' },
          beat ? String(beat.outbox.clips) : '—',
        ),
        h('td', {}, device.version ?? '—'),
        h('td', {}, alertBadges(device.alerts)),
      );
    }),
    { class: 'devices' },
  );
}
