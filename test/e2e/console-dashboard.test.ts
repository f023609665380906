import assert from 'node:assert/strict';
import { it } from 'node:test';
import { wavHeader } from '@earshot/shared/wav';
import type { Page } from 'playwright-core';
import { consoleRig, SCREEN_SIZES } from '@earshot/test-kit/console-rig';
import { transcriptionStub } from '@earshot/test-kit/transcription-stub';
import { waitFor } from '@earshot/test-kit/processes';

/** `seconds` of 16 kHz mono silence as a WAV file: a recording to import presses from. */
function silentWav(seconds: number): Buffer {
  const data = Buffer.alloc(seconds * 16000 * 2);
  return Buffer.concat([wavHeader({ sampleRate: 16000, channels: 1, bitsPerSample: 16 }, data.length), data]);
}

// [device, pressed at, score]: north is Moscow (UTC+3), south Vladivostok (UTC+10), till-x has no store.
const PRESSES = [
  ['till-north', '2026-10-15T06:00:00Z', 5], // the 28 days before the period
  ['till-north', '2026-10-16T06:00:00Z', 10],
  ['till-north', '2026-11-03T06:00:00Z', 10],
  ['till-north', '2026-11-04T06:00:00Z', 9],
  ['till-south', '2026-11-10T00:00:00Z', 10],
  ['till-north', '2026-11-17T06:00:00Z', 6],
  ['till-x', '2026-11-20T03:30:00Z', 3], // 22:30 on 19 November in New York, the browser's zone
] as const;
const BROWSER_ZONE = 'America/New_York';
const PERIOD = 'from=2026-11-01&to=2026-11-28';

/**
 * The dashboard: NPS over time by week and month with the change on the period before, per-store
 * question heard and answered rates; and the two counting bugs: clips per day left out clips of
 * no store (the column showed 4, the label 10), and presses per hour put them in UTC hours while
 * the clip list shows them in the browser's time.
 */
it('the dashboard: NPS over time, comparisons and rates; clips of no store counted in the list’s zone', async (t) => {
  const stub = await transcriptionStub(t, 'would you recommend us to a friend');
  const rig = await consoleRig(t, {
    transcription: {
      pollIntervalMs: 200,
      engines: { stub: { type: 'openai', url: stub } },
      languages: { '*': 'stub' },
    },
  });
  if (!rig) return;
  await rig.call('PUT', '/api/v1/stores/north', { name: 'North', timeZone: 'Europe/Moscow', language: 'en' });
  await rig.call('PUT', '/api/v1/stores/south', { name: 'South', timeZone: 'Asia/Vladivostok', language: 'en' });
  await rig.call('PUT', '/api/v1/devices/till-north', { storeId: 'north', name: 'North till' });
  await rig.call('PUT', '/api/v1/devices/till-south', { storeId: 'south', name: 'South till' });
  await rig.call('PUT', '/api/v1/devices/till-x', { storeId: null, name: 'Spare till' });
  await rig.call('PUT', '/api/v1/questions/nps', { kind: 'nps', text: { en: 'Would you recommend us?' } });
  await rig.call('POST', '/api/v1/button-maps/default/all', {
    buttons: { '1': 'nps' },
    effectiveFrom: '2020-01-01T00:00:00Z',
  });
  for (const [device, at] of PRESSES) {
    const form = new FormData();
    form.append('deviceId', device);
    const recordingStart = new Date(Date.parse(at) - 10_000).toISOString();
    form.append('presses', JSON.stringify({ recordingStart, presses: [{ at: 10, button: 1 }] }));
    form.append('recording', new Blob([silentWav(20)], { type: 'audio/wav' }), 'recording.wav');
    const response = await fetch(`${rig.api}/api/v1/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rig.token}` },
      body: form,
    });
    assert.equal(response.status, 202, await response.clone().text());
  }
  type Listed = { id: string; deviceId: string; pressedAt: string; status: string };
  const clips = await waitFor(
    'every clip transcribed',
    async () => {
      const { items } = await rig.call<{ items: Listed[] }>('GET', '/api/v1/clips?limit=100');
      return items.length === PRESSES.length && items.every((c) => c.status === 'transcribed') ? items : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 250 },
  );
  for (const [device, at, score] of PRESSES) {
    const clip = clips.find((c) => c.deviceId === device && Date.parse(c.pressedAt) === Date.parse(at));
    assert.ok(clip, `a clip of ${device} pressed at ${at}: ${JSON.stringify(clips)}`);
    await rig.call('PUT', `/api/v1/clips/${clip.id}/answer`, { value: score });
  }

  // An administrator sees every store and the clips of none (a manager sees only their stores').
  const password = await rig.addUser('ada', 'admin');
  const { page, errors } = await rig.newPage();
  // The browser's zone is not UTC, so that a clip of no store shows the difference.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setTimezoneOverride', { timezoneId: BROWSER_ZONE });
  await rig.signIn(page, 'ada', password);

  await t.test('NPS per week, with answer counts and the change on the 28 days before', async () => {
    await rig.open(page, `#/dashboard?${PERIOD}`);
    await page.locator('[data-testid=nps-over-time][data-drawn]').waitFor();
    const rows = page.locator('[data-testid=nps-over-time] tr[data-period]');
    const weeks: [string | null, string | null, string | null][] = [];
    for (const row of await rows.all()) {
      weeks.push([
        await row.getAttribute('data-period'),
        await row.getAttribute('data-nps'),
        await row.getAttribute('data-answers'),
      ]);
    }
    assert.deepEqual(weeks, [
      ['2026-10-26', '', '0'],
      ['2026-11-02', '100', '2'],
      ['2026-11-09', '100', '1'],
      ['2026-11-16', '-100', '2'],
      ['2026-11-23', '', '0'],
    ]);
    // What uPlot draws is what the table says: the total's line and the answer columns.
    const plotted = await page.evaluate<(number | null)[][]>(
      "document.querySelector('[data-testid=nps-over-time]').plot().data.slice(1, 3)",
    );
    assert.deepEqual(plotted, [
      [0, 2, 1, 2, 0],
      [null, 100, 100, -100, null],
    ]);
    const total = page.locator('[data-testid=nps-total]');
    assert.equal(await total.locator('[data-field=nps] .value').textContent(), '20');
    assert.equal(await total.locator('[data-field=change]').getAttribute('data-change'), '20');
    assert.match((await total.locator('[data-field=change]').textContent()) ?? '', /^\+20 on the previous 28 days/);
    const north = page.locator('[data-store-id=north]');
    assert.equal(await north.locator('[data-field=change]').getAttribute('data-change'), '33');
    assert.equal(await north.locator('[data-field=heardRate] .value').textContent(), '100%');
    assert.equal(await north.locator('[data-field=answeredRate] .value').textContent(), '100%');
    assert.equal(await page.locator('[data-testid=nps-chart] tr.positive').count(), 2);
    await rig.shoot(page, 'dashboard-nps');
    await assertFitsPhone(page);
  });

  await t.test('the toggle shows NPS per month and keeps the choice in the address', async () => {
    await page.locator('[data-testid=nps-over-time-card] [data-interval=month]').click();
    await rig.shows(page, /interval=month/);
    await page
      .locator('[data-testid=nps-over-time][data-drawn] tr[data-period="2026-11-01"]')
      .waitFor({ state: 'attached' });
    const row = page.locator('[data-testid=nps-over-time] tr[data-period]');
    assert.equal(await row.count(), 1);
    assert.equal(await row.getAttribute('data-nps'), '20');
    assert.equal(await row.getAttribute('data-answers'), '5');
    assert.equal(
      await page.locator('[data-testid=nps-over-time-card] [data-interval=month]').getAttribute('aria-current'),
      'true',
    );
  });

  await t.test('clips per day: the columns add up to every clip, those of no store included', async () => {
    const chart = page.locator('[data-testid=volume-chart][data-drawn]');
    await chart.waitFor();
    const totals: Record<string, number> = {};
    for (const row of await chart.locator('tr[data-day]').all()) {
      const clips = Number(await row.getAttribute('data-clips'));
      if (clips > 0) totals[(await row.getAttribute('data-day')) ?? ''] = clips;
    }
    // The clip of no store is on 19 November, the browser's day, as the list shows it.
    assert.deepEqual(totals, { '2026-11-03': 1, '2026-11-04': 1, '2026-11-10': 1, '2026-11-17': 1, '2026-11-19': 1 });
    // Each column's top (the tallest running total uPlot draws) is the day's count.
    const tops = await page.evaluate<number[]>(
      `(() => { const { data } = document.querySelector('[data-testid=volume-chart]').plot();
        return data[0].map((_, i) => Math.max(0, ...data.slice(1).map((s) => s[i] ?? 0))); })()`,
    );
    const labels: number[] = [];
    for (const row of await chart.locator('tr[data-day]').all())
      labels.push(Number(await row.getAttribute('data-clips')));
    assert.deepEqual(tops, labels);
  });

  await t.test('presses per hour: a clip of no store in the hour the clip list shows', async () => {
    const listedHour = await page.evaluate<number>("new Date('2026-11-20T03:30:00Z').getHours()");
    assert.equal(listedHour, 22);
    const coverage = page.locator('[data-testid=coverage-chart][data-drawn]');
    await coverage.waitFor();
    const hours: number[] = [];
    for (const row of await coverage.locator('tr[data-day]').all()) {
      if (Number(await row.locator('td[data-series=till-x]').textContent()) > 0) {
        hours.push(Number(await row.getAttribute('data-day')));
      }
    }
    assert.deepEqual(hours, [listedHour]);
  });

  await t.test('in Russian', async () => {
    await rig.open(page, `#/dashboard?${PERIOD}`);
    await page.locator('[data-language=ru]').click();
    await page.locator('[data-testid=nps-over-time-card] h2').getByText('NPS во времени').waitFor();
    await page.locator('[data-testid=nps-over-time][data-drawn]').waitFor();
    assert.equal(await page.locator('[data-testid=nps-over-time-card] h2').textContent(), 'NPS во времени');
    assert.match(
      (await page.locator('[data-testid=nps-total] [data-field=change]').textContent()) ?? '',
      /^\+20 к предыдущим 28 дн\./,
    );
    await rig.shoot(page, 'dashboard-nps-ru');
    await assertFitsPhone(page);
    // A store's long name is one entry of the legend: it wraps rather than running off a phone.
    await rig.call('PUT', '/api/v1/stores/south', {
      name: 'Торговый центр «Южная галерея» на Приморской набережной',
      timeZone: 'Asia/Vladivostok',
      language: 'en',
    });
    await page.reload();
    await page.locator('[data-testid=nps-over-time][data-drawn]').waitFor();
    await assertFitsPhone(page);
    await rig.shoot(page, 'dashboard-nps-ru-long-name');
  });

  await t.test('with no period chosen, a store already in tomorrow has today’s clips counted', async () => {
    // Kiritimati (UTC+14) is always a calendar day ahead of Pago Pago (UTC−11), the browser's zone.
    await rig.call('PUT', '/api/v1/stores/east', { name: 'East', timeZone: 'Pacific/Kiritimati', language: 'en' });
    await rig.call('PUT', '/api/v1/devices/till-east', { storeId: 'east', name: 'East till' });
    const pressedAt = new Date(Date.now() - 60_000);
    const form = new FormData();
    form.append('deviceId', 'till-east');
    const recordingStart = new Date(pressedAt.getTime() - 10_000).toISOString();
    form.append('presses', JSON.stringify({ recordingStart, presses: [{ at: 10, button: 1 }] }));
    form.append('recording', new Blob([silentWav(20)], { type: 'audio/wav' }), 'recording.wav');
    const response = await fetch(`${rig.api}/api/v1/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rig.token}` },
      body: form,
    });
    assert.equal(response.status, 202, await response.clone().text());
    const clip = await waitFor(
      'the east clip transcribed',
      async () => {
        const { items } = await rig.call<{ items: Listed[] }>('GET', '/api/v1/clips?limit=100');
        return items.find((c) => c.deviceId === 'till-east' && c.status === 'transcribed');
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    await rig.call('PUT', `/api/v1/clips/${clip.id}/answer`, { value: 10 });
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Pacific/Pago_Pago' });
    await rig.open(page, `#/dashboard`);
    await page.reload();
    const east = page.locator('[data-store-id=east]');
    await east.waitFor();
    assert.equal(await east.locator('[data-field=answers] .value').textContent(), '1');
    assert.equal(await east.locator('[data-field=nps] .value').textContent(), '100');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati' }).format(new Date());
    assert.equal(await page.locator('input[data-date-field=to]').inputValue(), today);
  });

  await t.test('a chain of more than eight stores: clips per day as one total, the stores in one table', async () => {
    for (let n = 1; n <= 6; n++) {
      await rig.call('PUT', `/api/v1/stores/branch-${n}`, { name: `Branch ${n}`, timeZone: 'UTC', language: 'en' });
    }
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: BROWSER_ZONE });
    await rig.open(page, `#/dashboard?${PERIOD}`);
    await page.reload();
    await page.locator('[data-language=en]').click();
    const chart = page.locator('[data-testid=volume-chart][data-drawn]');
    await chart.waitFor();
    const series = await chart.locator('thead th').allTextContents();
    assert.deepEqual(series, ['', 'All stores', 'Total']);
    let sum = 0;
    for (const row of await chart.locator('tr[data-day]').all()) sum += Number(await row.getAttribute('data-clips'));
    // The five presses of the period (the east clip is today's, outside it).
    assert.equal(sum, 5);

    // The stores in one table, lowest NPS first and stores without answers last, each figure
    // what the API gives; no card per store.
    assert.equal(await page.locator('.card.store').count(), 0);
    assert.equal(await page.locator('[data-testid=nps-chart]').count(), 0);
    const table = page.locator('[data-testid=store-table]');
    const listed: { id: string; nps: string; answers: string }[] = [];
    for (const row of await table.locator('tbody tr').all()) {
      listed.push({
        id: (await row.getAttribute('data-store-id')) ?? '',
        nps: (await row.locator('[data-field=nps]').textContent()) ?? '',
        answers: (await row.locator('[data-field=answers]').textContent()) ?? '',
      });
    }
    const { stores } = await rig.call<{ stores: { storeId: string; nps: number | null; answers: number }[] }>(
      'GET',
      `/api/v1/nps/stores?${PERIOD}&timeZone=${encodeURIComponent(BROWSER_ZONE)}`,
    );
    const npsOf = (id: string) => stores.find((r) => r.storeId === id);
    assert.equal(listed.length, 9);
    for (const row of listed) {
      const report = npsOf(row.id);
      assert.equal(row.nps, report?.nps == null ? '—' : String(Math.round(report.nps)), row.id);
      assert.equal(row.answers, String(report?.answers ?? 0), row.id);
    }
    const scored = listed.filter((r) => r.nps !== '—').map((r) => Number(r.nps));
    assert.ok(scored.length >= 2, JSON.stringify(listed));
    assert.deepEqual(
      scored,
      [...scored].sort((a, b) => a - b),
    );
    assert.ok(listed.slice(scored.length).every((r) => r.nps === '—'));
    // NPS over time: the chain's total alone (its stores' points were not asked for), the same
    // weeks as before.
    const overTime = page.locator('[data-testid=nps-over-time][data-drawn]');
    await overTime.waitFor();
    assert.deepEqual(await overTime.locator('thead th').allTextContents(), ['By week', 'All stores in view']);
    const drawn = await page.evaluate<number>(
      "document.querySelector('[data-testid=nps-over-time]').plot().data.length",
    );
    assert.equal(drawn, 3, 'periods, answers and the total line');
    const answersPerWeek: (string | null)[] = [];
    for (const row of await overTime.locator('tr[data-period]').all())
      answersPerWeek.push(await row.getAttribute('data-answers'));
    assert.deepEqual(answersPerWeek, ['0', '2', '1', '2', '0']);
    await rig.shoot(page, 'dashboard-chain');
    // A store opens its lowest-scored clips of the period.
    const lowest = listed[0] as (typeof listed)[number];
    await table.locator(`tr[data-store-id=${lowest.id}] a`).click();
    await rig.shows(page, /#\/clips\?/);
    const address = new URLSearchParams(page.url().split('?')[1]);
    assert.equal(address.get('storeId'), lowest.id);
    assert.equal(address.get('sort'), 'lowest');
    assert.equal(address.get('from'), '2026-11-01');
    assert.equal(address.get('to'), '2026-11-28');
  });

  assert.deepEqual(errors, []);
});

/**
 * At a phone's width the page scrolls only downwards and every entry of the NPS-over-time legend
 * ends inside the window (a long store name ran off the phone).
 */
async function assertFitsPhone(page: Page): Promise<void> {
  const original = page.viewportSize();
  await page.setViewportSize(SCREEN_SIZES.phone);
  // Two frames: the charts follow their cards' new width from a ResizeObserver.
  const measured = await page.evaluate<{ page: number; legend: number; viewport: number }>(`new Promise((done) =>
    requestAnimationFrame(() => requestAnimationFrame(() => done({
      page: document.documentElement.scrollWidth,
      legend: Math.max(...[...document.querySelectorAll('[data-testid=nps-over-time] .u-legend, [data-testid=nps-over-time] .u-legend tr')]
        .map((e) => e.getBoundingClientRect().right)),
      viewport: window.innerWidth,
    })))
  )`);
  if (original) await page.setViewportSize(original);
  assert.ok(measured.page <= measured.viewport, `the page is ${measured.page} px wide in ${measured.viewport} px`);
  assert.ok(
    measured.legend <= measured.viewport,
    `the legend ends at ${measured.legend} px in ${measured.viewport} px`,
  );
}
