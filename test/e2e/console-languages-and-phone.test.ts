import assert from 'node:assert/strict';
import { it } from 'node:test';
import { connect, type MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { Topics } from '@earshot/shared/protocol';
import { wavHeader } from '@earshot/shared/wav';
import { consoleRig, SCREEN_SIZES } from '@earshot/test-kit/console-rig';
import { waitFor } from '@earshot/test-kit/processes';
import { deviceCredentials } from '@earshot/test-kit/server-cli';
import { transcriptionStub } from '@earshot/test-kit/transcription-stub';

/** One more clip than a page of the console's list (50), so that the list has a second page. */
const CLIPS = 51;

/** `seconds` of 16 kHz mono silence as a WAV file: a recording to import presses from. */
function silentWav(seconds: number): Buffer {
  const data = Buffer.alloc(seconds * 16000 * 2);
  return Buffer.concat([wavHeader({ sampleRate: 16000, channels: 1, bitsPerSample: 16 }, data.length), data]);
}

/** How much wider than the window the page is: a phone user would have to scroll sideways. */
async function overflow(page: Page): Promise<{ by: number; widest: string[] }> {
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const widest = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .map((e) => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' ' + Math.round(e.getBoundingClientRect().right));
    return { by: document.documentElement.scrollWidth - width, widest: widest.slice(0, 8) };
  })()`);
}

/**
 * Latin words shown on a Russian page, less the data that is Latin whatever the language (ids,
 * versions, user names, the language switch) and the server's own words marked lang="en" (the
 * machine's reasons, alert details): units, states and labels left in English.
 */
async function englishWords(page: Page, data: readonly string[]): Promise<string[]> {
  let text = await page.evaluate<string>(`(() => {
    const body = document.body.cloneNode(true);
    for (const element of body.querySelectorAll('[data-language], [lang=en], input, select, textarea, [data-testid=who]'))
      element.remove();
    return body.innerText;
  })()`);
  for (const d of data) text = text.replaceAll(d, ' ');
  return [...new Set(text.match(/[A-Za-z][A-Za-z0-9-]*/g) ?? [])];
}

/**
 * Every view in English and Russian at a phone's width: nothing wider than the screen (the Russian
 * dashboard overflowed by ~9 px), no English units, microphone states or labels on Russian pages,
 * date fields in the console's language rather than the browser's; and the player's J/K carry on
 * past the list's first page, into the next page of the same list.
 */
it('every view in both languages fits a phone; Russian pages have no English; J/K cross pages', async (t) => {
  const rig = await consoleRig(t, {
    transcription: {
      pollIntervalMs: 200,
      engines: { stub: { type: 'openai', url: await transcriptionStub(t, 'порекомендую вам друзьям') } },
      languages: { '*': 'stub' },
    },
    import: { preSeconds: 0.4, postSeconds: 0.4 },
  });
  if (!rig) return;
  await rig.call('PUT', '/api/v1/stores/north', { name: 'Север', timeZone: 'Europe/Moscow', language: 'ru-RU' });
  await rig.call('PUT', '/api/v1/devices/till-a', { storeId: 'north', name: 'Касса' });
  await rig.call('PUT', '/api/v1/questions/nps', {
    kind: 'nps',
    text: { en: 'Would you recommend us?', ru: 'Порекомендуете ли вы нас?' },
  });
  await rig.call('POST', '/api/v1/button-maps/default/all', {
    buttons: { '1': 'nps' },
    effectiveFrom: '2020-01-01T00:00:00Z',
  });
  await rig.call('PUT', '/api/v1/checklists/service', {
    questionId: 'nps',
    name: 'Обслуживание на кассе',
    items: [{ id: 'greeted', text: { en: 'Greeted the customer', ru: 'Поздоровался с покупателем' } }],
  });

  // The device speaks the protocol: online, with a heartbeat whose microphone hears nothing.
  const mqttPort = rig.mqttPort;
  const client = await connectAs(mqttPort, 'till-a', await deviceCredentials(rig.serverConfig, 'till-a'));
  t.after(() => client.endAsync(true));
  const topics = new Topics('earshot');
  const publish = (topic: string, body: unknown, retain = false) =>
    client.publishAsync(topic, JSON.stringify(body), { qos: 1, retain });
  await publish(topics.status('till-a'), { state: 'online', at: new Date().toISOString(), version: '1.4.2' }, true);
  await waitFor('the device online', async () => {
    const fleet = await rig.call<{ id: string; state: string }[]>('GET', '/api/v1/fleet');
    return fleet.some((d) => d.id === 'till-a' && d.state === 'online') ? true : undefined;
  });
  await publish(topics.heartbeat('till-a'), {
    at: new Date().toISOString(),
    version: '1.4.2',
    uptimeSeconds: 3700,
    mic: { state: 'dead', rmsDbfs: -90, silentSeconds: 40 },
    outbox: { clips: 2, bytes: 3 * 2 ** 20, quotaBytes: 2 ** 30, refused: 0, full: false },
    disk: { freeBytes: 8 * 2 ** 30 },
    clock: { synchronized: true },
    configVersion: null,
    clips: { preSeconds: 20, postSeconds: 40, buttons: 1 },
  });

  // 51 presses a second apart in one recording: 51 clips, one more than the list's first page.
  const form = new FormData();
  form.append('deviceId', 'till-a');
  const recordingStart = new Date(Date.now() - 3_600_000).toISOString();
  const presses = Array.from({ length: CLIPS }, (_, i) => ({ at: i + 1, button: 1 }));
  form.append('presses', JSON.stringify({ recordingStart, presses }));
  form.append('recording', new Blob([silentWav(CLIPS + 2)], { type: 'audio/wav' }), 'recording.wav');
  const imported = await fetch(`${rig.api}/api/v1/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${rig.token}` },
    body: form,
  });
  assert.equal(imported.status, 202, await imported.clone().text());
  const clips = await waitFor(
    'every clip transcribed',
    async () => {
      const { items } = await rig.call<{ items: { id: string; status: string }[] }>('GET', `/api/v1/clips?limit=100`);
      return items.length === CLIPS && items.every((c) => c.status === 'transcribed') ? items : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 250 },
  );
  // Answers on a few, so that the dashboard has scores to show.
  for (const [i, value] of [10, 9, 3, 7].entries()) {
    await rig.call('PUT', `/api/v1/clips/${clips[i]?.id}/answer`, { value });
  }
  await waitFor('the heartbeat', async () => {
    const fleet = await rig.call<{ id: string; heartbeat: unknown }[]>('GET', '/api/v1/fleet');
    return fleet.some((d) => d.id === 'till-a' && d.heartbeat) ? true : undefined;
  });

  const password = await rig.addUser('ada', 'admin');
  const { page, errors } = await rig.newPage();
  const views = [
    ['clips', '#/clips', '[data-testid=clip-table] tbody tr'],
    ['player', `#/clips/${clips[0]?.id}`, '[data-testid=answer]'],
    ['review', '#/review', '[data-testid=review-left], [data-testid=review-empty]'],
    ['dashboard', '#/dashboard', '[data-testid=nps-over-time-card]'],
    ['devices', '#/devices', 'main table tbody tr'],
    ['device', '#/devices/till-a', '[data-testid=trend-level] canvas'],
    ['admin-stores', '#/admin/stores', 'main table tbody tr'],
    ['admin-users', '#/admin/users', 'main table tbody tr'],
    ['admin-checklists', '#/admin/checklists', 'main table tbody tr'],
    ['admin-devices', '#/admin/devices', 'main table tbody tr'],
  ] as const;
  // Latin whatever the language: ids, user names, time zones and language tags, the product's and
  // the file format's names, the keys of the player and the review; "FS" of дБFS (decibels relative to full scale).
  const data = [
    ...clips.map((c) => c.id),
    'till-a',
    'e2e-admin',
    'ada',
    'Earshot',
    'north',
    'nps',
    'service',
    'greeted',
    'Europe/Moscow',
    'ru-RU',
    'NPS',
    'CSV',
    'дБFS',
    'J',
    'K',
    'T',
    'X',
    'R',
    'Enter',
  ];

  await rig.signIn(page, 'ada', password);
  for (const language of ['en', 'ru'] as const) {
    await page.locator(`[data-language=${language}]`).click();
    for (const [name, hash, ready] of views) {
      await t.test(`${name} in ${language}`, async () => {
        await page.setViewportSize(SCREEN_SIZES.laptop);
        await rig.open(page, hash);
        await page.locator(ready).first().waitFor({ state: 'attached' });
        if (language === 'ru') assert.deepEqual(await englishWords(page, data), [], `English on the Russian ${name}`);
        // What the machine's reading came to is said in Russian; only the server's detail is English.
        if (language === 'ru' && (name === 'player' || name === 'review')) {
          const said = await page.evaluate<string | null>(`(() => {
            const element = document.querySelector('[data-testid=answer-reason], [data-testid=machine-outcome]')?.cloneNode(true);
            element?.querySelectorAll('[lang=en]').forEach((e) => e.remove());
            return element ? element.textContent : null;
          })()`);
          if (said !== null) assert.match(said, /[а-яё]{4}/i, `the machine's outcome on the Russian ${name}`);
        }
        // Loaded at a phone's width, as a phone would, with every folded table open.
        await page.setViewportSize(SCREEN_SIZES.phone);
        await page.reload();
        await page.locator(ready).first().waitFor({ state: 'attached' });
        await page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })");
        const wide = await overflow(page);
        assert.equal(wide.by, 0, `the ${language} ${name} is wider than a phone: ${wide.widest.join(', ')}`);
        await rig.shoot(page, `${name}-${language}`);
      });
    }
  }

  for (const [language, month, shown] of [
    ['en', 'November', 'Nov 28, 2026'],
    ['ru', 'Ноябрь', '28 Ноя 2026'],
  ] as const) {
    await t.test(`date fields in ${language}, whatever the browser's language`, async () => {
      await page.locator(`[data-language=${language}]`).click();
      await page.setViewportSize(SCREEN_SIZES.laptop);
      await rig.open(page, `#/clips?from=2026-11-28`);
      await page.reload();
      const from = page.locator('label:has(input[name=from]) input.date-shown');
      await page.locator('[data-testid=clip-table]').waitFor();
      await from.waitFor();
      assert.equal(await from.inputValue(), shown);
      await from.click();
      const calendar = page.locator('label:has(input[name=from]) .flatpickr-calendar.open');
      await calendar.waitFor();
      assert.equal(
        (await calendar.locator('select.flatpickr-monthDropdown-months option:checked').textContent())?.trim(),
        month,
      );
      await calendar.locator('.flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)', { hasText: /^3$/ }).click();
      await page.locator('form button[type=submit]').first().click();
      await rig.until(page, "location.hash.includes('from=2026-11-03')");
      await rig.shoot(page, `date-field-${language}`);
    });
  }

  await t.test('J/K step on from the last clip of the first page into the next page, and back', async () => {
    await page.setViewportSize(SCREEN_SIZES.laptop);
    await rig.open(page, `#/clips`);
    const rows = page.locator('[data-testid=clip-table] tbody tr');
    await rows.nth(49).waitFor();
    assert.equal(await rows.count(), 50);
    const last = (await rows.nth(49).getAttribute('data-clip-id')) ?? '';
    const onPage = new Set(
      await page.evaluate<string[]>(
        "[...document.querySelectorAll('[data-testid=clip-table] tbody tr')].map((tr) => tr.dataset.clipId)",
      ),
    );
    await rows.nth(49).click();
    await rig.shows(page, new RegExp(`#/clips/${last}$`));
    await page.locator('[data-testid=answer]').waitFor({ state: 'attached' });
    const beyond = clips.map((c) => c.id).find((id) => !onPage.has(id));
    assert.ok(beyond);
    assert.equal(await page.locator('[data-action=next]').isDisabled(), false);
    await page.keyboard.press('k');
    await rig.shows(page, new RegExp(`#/clips/${beyond}$`));
    await page.locator('[data-testid=answer]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('[data-action=next]').isDisabled(), true, 'the list ends there');
    await page.keyboard.press('j');
    await rig.shows(page, new RegExp(`#/clips/${last}$`));
  });
  assert.deepEqual(errors, []);
});

async function connectAs(port: number, clientId: string, login: { username: string; password: string }) {
  const client: MqttClient = connect(`mqtt://127.0.0.1:${port}`, { clientId, ...login, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}
