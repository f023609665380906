import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { it } from 'node:test';
import { consoleRig, SCREEN_SIZES } from '@earshot/test-kit/console-rig';
import { waitFor } from '@earshot/test-kit/processes';
import { importSpokenAnswers } from '@earshot/test-kit/spoken-import';

/** Each spoken answer sits alone in a segment this long, pressed after it; the window cuts it. */
const SEGMENT_SECONDS = 6;
const PRESS_AT_SECONDS = 4.5;

const countText = (n: number) => (n === 1 ? '1 clip' : `${n} clips`);

interface ApiClip {
  id: string;
  status: string;
  storeId: string | null;
  pressedAt: string;
}
interface ClipPage {
  items: ApiClip[];
  total?: number;
}

/**
 * The clip list as a daily tool (#16): how many clips match, the time column sorts, the filtered
 * list exports to CSV, every filter lives in the address and survives a reload, managers keep
 * notes and a follow-up flag on a clip, and on a phone what was said stays in view while the
 * filters wait behind a button.
 */
it('the console clip list: count, sort, export, filters in the address, notes and follow-up, phone', async (t) => {
  const rig = await consoleRig(t, {
    import: { preSeconds: PRESS_AT_SECONDS, postSeconds: SEGMENT_SECONDS - PRESS_AT_SECONDS },
  });
  if (!rig) return;
  await rig.call('PUT', '/api/v1/stores/north', { name: 'North Mall', timeZone: 'Europe/Moscow', language: 'en-US' });
  await rig.call('PUT', '/api/v1/stores/south', { name: 'South Street', timeZone: 'Europe/London', language: 'en-US' });
  await rig.call('PUT', '/api/v1/devices/till-north', { storeId: 'north', name: 'North till' });
  await rig.call('PUT', '/api/v1/devices/till-south', { storeId: 'south', name: 'South till' });
  await rig.call('PUT', '/api/v1/questions/queue', { kind: 'complaint', text: { en: 'The queue', ru: 'Очередь' } });
  await rig.call('POST', '/api/v1/button-maps/default/all', {
    buttons: { '1': 'nps', '2': 'queue' },
    effectiveFrom: new Date(Date.now() - 3_600_000).toISOString(),
  });
  const file = (deviceId: string, answers: { text: string; button: number }[]) =>
    importSpokenAnswers({
      api: rig.api,
      token: rig.token,
      dir: rig.dir,
      deviceId,
      answers,
      segmentSeconds: SEGMENT_SECONDS,
      pressAtSeconds: PRESS_AT_SECONDS,
    });
  await file('till-north', [
    { text: 'ten out of ten the coffee was great', button: 1 },
    { text: 'the queue was too long today', button: 2 },
    { text: 'two the staff were rude', button: 1 },
  ]);
  await file('till-south', [{ text: 'I would give you a nine', button: 1 }]);
  const clips = await waitFor(
    'four clips transcribed',
    async () => {
      const { items } = await rig.call<ClipPage>('GET', '/api/v1/clips?limit=100');
      return items.length === 4 && items.every((c) => c.status === 'transcribed') ? items : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 250 },
  );
  const password = await rig.addUser('maria', 'manager', 'north,south');
  const { page, errors } = await rig.newPage();
  await rig.signIn(page, 'maria', password);
  await rig.shows(page, /#\/clips$/);
  const rowIds = async () => {
    const ids: (string | null)[] = [];
    for (const row of await page.locator('[data-testid=clip-table] tbody tr').all()) {
      ids.push(await row.getAttribute('data-clip-id'));
    }
    return ids;
  };
  const showsCount = (n: number) =>
    rig.until(
      page,
      `document.querySelector('[data-testid=clip-count]')?.textContent === ${JSON.stringify(countText(n))}`,
    );
  const newestFirst = [...clips].sort((a, b) => b.pressedAt.localeCompare(a.pressedAt) || b.id.localeCompare(a.id));

  await t.test('says how many clips match', async () => {
    await showsCount(4);
    assert.deepEqual(
      await rowIds(),
      newestFirst.map((c) => c.id),
    );
    await rig.shoot(page, 'list');
  });

  await t.test('sorts by time from the column header, in the address', async () => {
    const header = page.locator('th.col-pressedAt');
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    await header.locator('a.sort').click();
    await rig.shows(page, /sort=oldest/);
    await page.locator('th.col-pressedAt[aria-sort=ascending]').waitFor();
    await showsCount(4);
    assert.deepEqual(
      await rowIds(),
      [...newestFirst].reverse().map((c) => c.id),
    );
    await page.reload();
    await page.locator('th.col-pressedAt[aria-sort=ascending]').waitFor();
    await showsCount(4);
    assert.deepEqual(
      await rowIds(),
      [...newestFirst].reverse().map((c) => c.id),
    );
    await page.locator('th.col-pressedAt a.sort').click();
    await page.locator('th.col-pressedAt[aria-sort=descending]').waitFor();
    await showsCount(4);
    assert.deepEqual(
      await rowIds(),
      newestFirst.map((c) => c.id),
    );
  });

  await t.test('sorts by score from its header or the order field, scored clips only', async () => {
    // A person's answers, so that the order does not hang on what pocketsphinx made of the words.
    const nps = async (storeId: string) =>
      (await rig.call<ClipPage>('GET', `/api/v1/clips?questionId=nps&storeId=${storeId}&sort=oldest`)).items;
    const [ten, two] = await nps('north');
    const [nine] = await nps('south');
    assert.ok(ten && two && nine);
    for (const [clip, value] of [
      [ten, 10],
      [two, 2],
      [nine, 9],
    ] as const) {
      await rig.call('PUT', `/api/v1/clips/${clip.id}/answer`, { value });
    }
    await rig.open(page, `#/clips`);
    await showsCount(4);
    assert.equal(await page.locator('[data-testid=scored-only]').isHidden(), true);
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /null/);
    await page.locator('th.col-score a.sort').click();
    await rig.shows(page, /sort=lowest/);
    await page.locator('th.col-score[aria-sort=ascending]').waitFor();
    await showsCount(3);
    assert.deepEqual(await rowIds(), [two.id, nine.id, ten.id]);
    assert.equal(await page.locator('th.col-pressedAt').getAttribute('aria-sort'), 'none');
    await page.locator('[data-testid=scored-only]').waitFor({ state: 'visible' });
    await page.locator('th.col-score a.sort').click();
    await rig.shows(page, /sort=highest/);
    await page.locator('th.col-score[aria-sort=descending]').waitFor();
    // The header is drawn before the page's rows arrive: the count comes with them.
    await showsCount(3);
    assert.deepEqual(await rowIds(), [ten.id, nine.id, two.id]);
    await rig.shoot(page, 'list-by-score');
    // The order field says the same, and sets it where there are no headers (a phone's cards).
    assert.equal(await page.locator('form.filters select[name=sort]').inputValue(), 'highest');
    await page.locator('form.filters select[name=sort]').selectOption('lowest');
    await page.locator('form.filters button[type=submit]').click();
    await rig.shows(page, /sort=lowest/);
    await page.locator('th.col-score[aria-sort=ascending]').waitFor();
    await showsCount(3);
    assert.deepEqual(await rowIds(), [two.id, nine.id, ten.id]);
    // Back to time from its header, newest first: every clip again.
    await page.locator('th.col-pressedAt a.sort').click();
    await page.locator('th.col-pressedAt[aria-sort=descending]').waitFor();
    await showsCount(4);
  });

  await t.test('keeps every filter in the address: a reload shows the same view', async () => {
    // Dates two days off: outside today in every store's zone, so each narrows the list.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const filters: [name: string, value: string, kind: 'select' | 'input' | 'date'][] = [
      ['q', 'queue', 'input'],
      ['storeId', 'south', 'select'],
      ['deviceId', 'till-north', 'select'],
      ['questionId', 'queue', 'select'],
      ['from', day(2), 'date'],
      ['to', day(-2), 'date'],
      ['hasTranscript', 'false', 'select'],
      ['npsMin', '9', 'input'],
      ['npsMax', '6', 'input'],
      ['followUp', 'true', 'select'],
    ];
    for (const [name, value, kind] of filters) {
      await rig.open(page, `#/clips`);
      await showsCount(4);
      const control = page.locator(`form.filters [name=${name}]`);
      if (kind === 'select') await control.selectOption(value);
      // A date field is flatpickr's (widgets/date-field.js): set as its calendar sets it.
      else if (kind === 'date') {
        await page.evaluate(
          `document.querySelector('form.filters [name=${name}]')._flatpickr.setDate('${value}', true)`,
        );
      } else await control.fill(value);
      await page.locator('form.filters button[type=submit]').click();
      await rig.shows(page, new RegExp(`[?&]${name}=${encodeURIComponent(value)}`));
      const expected: ClipPage = await rig.call<ClipPage>('GET', `/api/v1/clips?${name}=${encodeURIComponent(value)}`);
      assert.ok(expected.total !== undefined && expected.total < 4, `${name}=${value} narrows the list`);
      await page.reload();
      await showsCount(expected.total);
      assert.equal(await control.inputValue(), value, `${name} after reload`);
      assert.deepEqual(
        await rowIds(),
        expected.items.map((c) => c.id),
        `${name}=${value}`,
      );
    }
  });

  await t.test('exports the filtered list as CSV through the audited export', async () => {
    await rig.open(page, `#/clips?storeId=north&hasTranscript=true`);
    await showsCount(3);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action=export]').click()]);
    assert.equal(download.suggestedFilename(), 'earshot-clips.csv');
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const lines = csv.trim().split('\r\n');
    assert.equal(lines.length, 1 + 3, csv);
    assert.ok(
      lines.slice(1).every((line) => line.includes(',north,till-north,')),
      csv,
    );
    const audit = await rig.call<{ items: { username: string; details: { filter: object; clips: number } }[] }>(
      'GET',
      '/api/v1/audit?action=clip.export',
    );
    assert.equal(audit.items[0]?.username, 'maria');
    assert.match(JSON.stringify(audit.items[0]?.details.filter), /north/);
    assert.equal(audit.items[0]?.details.clips, 3);
  });

  await t.test('notes and the follow-up flag on a clip; the list filters by the flag', async () => {
    const detractor = newestFirst[0]?.storeId === 'south' ? newestFirst[1] : newestFirst[0];
    assert.ok(detractor);
    await rig.open(page, `#/clips/${detractor.id}`);
    const notes = page.locator('[data-testid=clip-notes]');
    await notes.getByText('No notes yet.').waitFor();
    await notes.locator('textarea[name=note]').fill('Called back: the manager apologised.');
    await notes.locator('button[type=submit]').click();
    await notes.locator('[data-testid=notes] li').getByText('Called back: the manager apologised.').waitFor();
    const flag = notes.locator('[data-action=follow-up]');
    await flag.click();
    await notes.locator('[data-action=follow-up][aria-pressed=true]').waitFor();
    await rig.shoot(page, 'player-notes');

    // What was saved is what a reload shows: the note with its author, the flag still set.
    await page.reload();
    const note = notes.locator('[data-testid=notes] li');
    await note.getByText('Called back: the manager apologised.').waitFor();
    assert.match(await note.locator('.muted').innerText(), /^maria · /);
    await notes.locator('[data-action=follow-up][aria-pressed=true]').waitFor();

    await rig.open(page, `#/clips?followUp=true`);
    await showsCount(1);
    assert.deepEqual(await rowIds(), [detractor.id]);
    await page.locator('[data-testid=follow-up]').waitFor();

    await rig.open(page, `#/clips/${detractor.id}`);
    await notes.locator('[data-action=follow-up][aria-pressed=true]').click();
    await notes.locator('[data-action=follow-up][aria-pressed=false]').waitFor();
    await rig.open(page, `#/clips?followUp=true`);
    await showsCount(0);
    await page.locator('[data-testid=empty]').waitFor();
  });

  await t.test('on a phone: what was said is in view, the filters wait behind a button', async () => {
    await page.setViewportSize(SCREEN_SIZES.phone);
    await rig.open(page, `#/clips?storeId=north`);
    await showsCount(3);
    const text = page.locator('[data-testid=clip-table] tbody tr').first().locator('.col-text');
    assert.match(await text.innerText(), /\w+/);
    const box = await text.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= SCREEN_SIZES.phone.width, JSON.stringify(box));
    assert.equal(await page.locator('form.filters').isVisible(), false);
    const toggle = page.locator('[data-action=toggle-filters]');
    assert.equal(await toggle.innerText(), 'Filters (1)');
    // The first row of the list sits on the first screen.
    const row = await page.locator('[data-testid=clip-table] tbody tr').first().boundingBox();
    assert.ok(row && row.y < SCREEN_SIZES.phone.height, JSON.stringify(row));
    await toggle.click();
    await page.locator('form.filters').waitFor();
    assert.equal(await page.locator('form.filters [name=storeId]').inputValue(), 'north');
    await page.screenshot({
      path: `${process.env.SCREENSHOTS_DIR ?? '/tmp/earshot-console-screenshots'}/list-filters-open-phone.png`,
    });
    await page.setViewportSize(SCREEN_SIZES.laptop);
    assert.equal(await toggle.isVisible(), false);
    assert.equal(await page.locator('form.filters').isVisible(), true);
  });

  assert.deepEqual(errors, []);
});
