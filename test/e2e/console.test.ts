import assert from 'node:assert/strict';
import { it } from 'node:test';
import { consoleRig } from '@earshot/test-kit/console-rig';
import { waitFor } from '@earshot/test-kit/processes';
import { importSpokenAnswers } from '@earshot/test-kit/spoken-import';

/**
 * Each spoken answer sits alone in a segment this long and is pressed after it, as staff press
 * after hearing the answer; the window cuts exactly the segment.
 */
const SEGMENT_SECONDS = 6;
const PRESS_AT_SECONDS = 4.5;
const IMPORT_WINDOW = { preSeconds: PRESS_AT_SECONDS, postSeconds: SEGMENT_SECONDS - PRESS_AT_SECONDS };

interface ApiClip {
  id: string;
  status: string;
  storeId: string | null;
  pressedAt: string;
  transcript: { text: string; words: { word: string; startMs: number }[] } | null;
  score: { value: number | null } | null;
}
interface NpsReport {
  nps: number | null;
  answers: number;
  promoters: number;
  detractors: number;
}

/**
 * The web console in real headless Chromium against the real earshot-server: answers are spoken
 * by flite, filed through the batch import API, transcribed and scored by pocketsphinx.
 * Screenshots of the main pages go to SCREENSHOTS_DIR (default: a folder in the system temp dir).
 * The fleet with a real device is console-devices.test.ts.
 */
it('the web console: sign in, filter, search, play and seek, NPS dashboard, languages', async (t) => {
  const rig = await consoleRig(t, { import: IMPORT_WINDOW });
  if (!rig) return;
  const { api, token, call } = rig;
  // Users as an operator makes them: the CLI prints a generated password once.
  const maria = await rig.addUser('maria', 'manager', 'north,south');
  const sergei = await rig.addUser('sergei', 'manager', 'south');

  // Two stores, their devices, a complaint question asked by button 2 in the north store.
  await call('PUT', '/api/v1/stores/north', { name: 'North Mall', timeZone: 'Europe/Moscow', language: 'en-US' });
  await call('PUT', '/api/v1/stores/south', { name: 'South Street', timeZone: 'Europe/London', language: 'en-US' });
  await call('PUT', '/api/v1/devices/till-north', { storeId: 'north', name: 'North till' });
  await call('PUT', '/api/v1/devices/till-south', { storeId: 'south', name: 'South till' });
  await call('PUT', '/api/v1/devices/till-east', { storeId: 'north', name: 'North entrance' });
  await call('PUT', '/api/v1/questions/queue', { kind: 'complaint', text: { en: 'The queue', ru: 'Очередь' } });
  await call('PUT', '/api/v1/checklists/service', {
    questionId: 'nps',
    name: 'Service',
    items: [
      { id: 'greeted', text: { en: 'Greeted the customer', ru: 'Поздоровался с покупателем' } },
      { id: 'asked', text: { en: 'Asked the question as worded', ru: 'Задал вопрос дословно' } },
    ],
  });
  await call('POST', '/api/v1/button-maps/store/north', {
    buttons: { '1': 'nps', '2': 'queue' },
    effectiveFrom: new Date(Date.now() - 3_600_000).toISOString(),
  });

  const fileAnswers = (deviceId: string, answers: { text: string; button: number }[]) =>
    importSpokenAnswers({
      api,
      token,
      dir: rig.dir,
      deviceId,
      answers,
      segmentSeconds: SEGMENT_SECONDS,
      pressAtSeconds: PRESS_AT_SECONDS,
    });
  const allTranscribed = async (count: number) => {
    let seen: ApiClip[] = [];
    try {
      return await waitFor(
        `${count} clips transcribed`,
        async () => {
          seen = (await call<{ items: ApiClip[] }>('GET', '/api/v1/clips?limit=100')).items;
          return seen.length === count && seen.every((c) => c.status === 'transcribed') ? seen : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      );
    } catch (error) {
      const states = seen.map((c) => `${c.id}: ${c.status}`).join(', ');
      throw new Error(`${(error as Error).message}; clips: ${states}\n${rig.server.output().slice(-3000)}`, {
        cause: error,
      });
    }
  };

  await fileAnswers('till-north', [
    { text: 'ten out of ten the coffee was great', button: 1 },
    { text: 'the queue was too long today', button: 2 },
  ]);
  await fileAnswers('till-south', [{ text: 'I would give you a nine', button: 1 }]);
  /**
   * What a manager does with the answers the machine left for review (a decode that disagrees
   * with the transcript, a question not heard): sets the value the customer said.
   */
  const settleReview = async (valueIn: (storeId: string | null) => number) => {
    const { items } = await call<{ items: { clipId: string }[] }>('GET', '/api/v1/answers/review?limit=200');
    for (const item of items) {
      const clip = await call<ApiClip>('GET', `/api/v1/clips/${item.clipId}`);
      await call('PUT', `/api/v1/clips/${item.clipId}/answer`, { value: valueIn(clip.storeId) });
    }
  };
  await allTranscribed(3);
  await settleReview((store) => (store === 'north' ? 10 : 9));
  const clips = await allTranscribed(3);
  const coffee = clips.find((c) => c.transcript?.text.includes('coffee'));
  assert.ok(coffee, `pocketsphinx heard "coffee": ${clips.map((c) => c.transcript?.text).join(' | ')}`);

  const { page, errors: pageErrors } = await rig.newPage();
  const shoot = (name: string) => rig.shoot(page, name);
  const rows = () => page.locator('[data-testid=clip-table] tbody tr');
  const until = (expression: string) => rig.until(page, expression);
  /** Waits for the list view of an address, showing `count` clips. */
  const listShows = async (address: RegExp, count: number) => {
    await rig.shows(page, address);
    await until(`document.querySelectorAll('[data-testid=clip-table] tbody tr').length === ${count}`);
  };
  const resetFilters = async () => {
    await page.locator('a', { hasText: 'Reset' }).click();
    await listShows(/#\/clips$/, 3);
  };

  await t.test('signs in: a wrong password is refused with a message, the right one opens the clip list', async () => {
    await page.goto(`${api}/console/`);
    await page.locator('[data-language=en]').click();
    await page.fill('input[name=username]', 'maria');
    await page.fill('input[name=password]', 'not her password');
    await page.locator('form.login button[type=submit]').click();
    await page.locator('[data-testid=login-error]').getByText('Wrong username or password.').waitFor();
    await shoot('login-error');
    await page.fill('input[name=password]', maria);
    await page.locator('form.login button[type=submit]').click();
    await page.locator('[data-testid=who]').getByText('maria · manager').waitFor();
    await rows().nth(2).waitFor();
    assert.equal(await rows().count(), 3);
    assert.equal(await page.locator('[data-action=more]').isHidden(), true, 'one page holds all three');
    await shoot('clip-list');
  });

  await t.test('filters the list by store and by question', async () => {
    await page.selectOption('select[name=storeId]', 'south');
    await page.locator('form.filters button[type=submit]').click();
    await listShows(/storeId=south/, 1);
    assert.match((await rows().first().textContent()) ?? '', /South Street/);

    await resetFilters();
    await page.selectOption('select[name=questionId]', 'queue');
    await page.locator('form.filters button[type=submit]').click();
    await listShows(/questionId=queue/, 1);
    assert.match((await rows().first().textContent()) ?? '', /The queue/);
  });

  await t.test('searches the transcripts and shows the snippet with the word marked', async () => {
    await resetFilters();
    await page.fill('input[name=q]', 'coffee');
    await page.locator('form.filters button[type=submit]').click();
    await listShows(/q=coffee/, 1);
    await page.locator('[data-testid=snippet] mark').first().waitFor();
    assert.equal(await page.locator('[data-testid=snippet] mark').textContent(), 'coffee');
    await shoot('search');
  });

  await t.test('opens a clip at the search hit, draws its waveform, plays, and seeks by a word', async () => {
    const coffeeWord = coffee.transcript?.words.find((w) => w.word === 'coffee');
    assert.ok(coffeeWord);
    await rows().first().click();
    await rig.shows(page, new RegExp(`#/clips/${coffee.id}\\?t=${coffeeWord.startMs}$`));
    const audioTime = () => page.evaluate<number>("document.querySelector('audio').currentTime");
    await until(`Math.abs((document.querySelector('audio')?.currentTime ?? -1) - ${coffeeWord.startMs / 1000}) < 0.01`);
    await page.locator('[data-testid=waveform][data-state=ready]').waitFor();
    await page.locator('[data-testid=transcript] .word').first().waitFor();
    const words = await page.locator('[data-testid=transcript] .word').allTextContents();
    assert.deepEqual(
      words,
      coffee.transcript?.words.map((w) => w.word),
    );
    // Copied as a manager copies it (select the paragraph): words with spaces between them.
    const copied = await page.evaluate<string>(
      "(() => { const p = document.querySelector('[data-testid=transcript]'); const r = document.createRange(); r.selectNodeContents(p); const s = getSelection(); s.removeAllRanges(); s.addRange(r); const text = s.toString(); s.removeAllRanges(); return text; })()",
    );
    assert.equal(copied.trim().replace(/\s+/g, ' '), coffee.transcript?.words.map((w) => w.word).join(' '));
    assert.match(copied, /\S \S/);

    // Play from the start, pause, then click the last word: playback jumps there.
    await page.evaluate(
      "(async () => { const a = document.querySelector('audio'); a.currentTime = 0; await a.play(); })()",
    );
    await until("document.querySelector('audio').currentTime > 0");
    await page.evaluate("document.querySelector('audio').pause()");
    const last = coffee.transcript?.words.at(-1);
    assert.ok(last);
    assert.ok((await audioTime()) < last.startMs / 1000, 'paused before the last word');
    await page.locator('[data-testid=transcript] .word').last().click();
    await until(`document.querySelector('audio').currentTime >= ${last.startMs / 1000}`);
    await until("!document.querySelector('audio').paused");
    await page.evaluate("document.querySelector('audio').pause()");

    // Wherever playback stands, the word spoken then is the highlighted one.
    await page.evaluate(`document.querySelector('audio').currentTime = ${(coffeeWord.startMs + 1) / 1000}`);
    await page.locator('[data-testid=transcript] .word.current').getByText('coffee').waitFor();
    assert.equal(await page.locator('[data-testid=transcript] .word.current').count(), 1);
    assert.equal(await page.locator('[data-testid=clip-score] .score').textContent(), '10');
  });

  await t.test('scores the clip against its checklist (a PUT that carries the CSRF token)', async () => {
    const form = page.locator('[data-testid=scorecards] form[data-checklist-id=service]');
    await form.locator('[data-item-id=greeted] label.choice.yes').click();
    await form.locator('[data-item-id=asked] label.choice.no').click();
    await form.locator('textarea[name=comment]').fill('Friendly, but read the question freely');
    await form.locator('button[type=submit]').click();
    await form
      .locator('[data-testid=scorecard-status]')
      .getByText(/^Saved/)
      .waitFor();
    const saved = await call<{ username: string; answers: Record<string, string>; comment: string }[]>(
      'GET',
      `/api/v1/clips/${coffee.id}/scorecards`,
    );
    assert.deepEqual(
      saved.map((s) => [s.username, s.answers, s.comment]),
      [['maria', { greeted: 'yes', asked: 'no' }, 'Friendly, but read the question freely']],
    );
    await page.reload();
    await form.locator('[data-item-id=asked] input[value=no]:checked').waitFor({ state: 'attached' });
    await until("document.querySelector('audio').duration > 0");
    await shoot('player');
  });

  await t.test('shows NPS per store, and the numbers change when a new scored answer arrives', async () => {
    await page.locator('[data-nav=dashboard]').click();
    const figure = (store: string, field: string) =>
      page.locator(`[data-store-id=${store}] [data-field=${field}] .value`).textContent();
    await page.locator('[data-store-id=north]').waitFor();
    assert.equal(await figure('north', 'nps'), '100');
    assert.equal(await figure('north', 'answers'), '1');
    assert.equal(await figure('south', 'nps'), '100');
    assert.equal(await page.locator('[data-testid=nps-total] [data-field=answers] .value').textContent(), '2');
    assert.equal(await page.locator('[data-testid=nps-chart] tr.positive').count(), 2);
    /** Clips per day summed over the days shown: store-local days may straddle midnight. */
    const clipsCharted = async () => {
      let sum = 0;
      for (const day of await page.locator('[data-testid=volume-chart] [data-day]').all()) {
        sum += Number(await day.getAttribute('data-clips'));
      }
      return sum;
    };
    assert.equal(await clipsCharted(), 3);
    /** Presses per local hour as the console drew them, only the hours with any. */
    const hoursCharted = async () => {
      const hours: Record<string, number> = {};
      for (const column of await page.locator('[data-testid=coverage-chart] [data-day]').all()) {
        const clips = Number(await column.getAttribute('data-clips'));
        if (clips > 0) hours[(await column.getAttribute('data-day')) ?? ''] = clips;
      }
      return hours;
    };
    /** The same counted here from the clips' press times in their stores' zones. */
    const localHours = (clips: ApiClip[]) => {
      const zones: Record<string, string> = { north: 'Europe/Moscow', south: 'Europe/London' };
      const hours: Record<string, number> = {};
      for (const clip of clips) {
        const hour = new Intl.DateTimeFormat('en-GB', {
          timeZone: zones[clip.storeId ?? ''],
          hour: '2-digit',
          hourCycle: 'h23',
        }).format(new Date(clip.pressedAt));
        hours[hour] = (hours[hour] ?? 0) + 1;
      }
      return hours;
    };
    assert.deepEqual(await hoursCharted(), localHours(clips));
    const transcription = (store: string, field: string) =>
      page.locator(`[data-testid=transcription] tr[data-key=${store}] [data-field=${field}]`).textContent();
    assert.deepEqual(
      [
        await transcription('north', 'clips'),
        await transcription('north', 'transcribed'),
        await transcription('north', 'failed'),
        await transcription('north', 'transcribedShare'),
        await transcription('south', 'clips'),
        await transcription('south', 'transcribedShare'),
      ],
      ['2', '2', '0', '100%', '1', '100%'],
    );
    // Maria's scorecard of the coffee clip: greeted yes, asked no; nobody scored a south clip.
    const summary = page.locator('[data-testid=scorecard-summary][data-checklist-id=service]');
    const share = (group: string, item: string) =>
      summary.locator(`tr[data-key=${group}] [data-item-id=${item}] .share`).textContent();
    assert.deepEqual(
      await Promise.all((await summary.locator('tbody tr').all()).map((row) => row.getAttribute('data-key'))),
      ['north'],
    );
    assert.equal(await summary.locator('tr[data-key=north] [data-field=scorecards]').textContent(), '1');
    assert.equal(await share('north', 'greeted'), '100%');
    assert.equal(await share('north', 'asked'), '0%');
    await shoot('dashboard');

    // The same results per device, chosen in the dashboard's filter form and kept in the address.
    await page.locator('form.filters select[name=groupBy]').selectOption('device');
    await page.locator('form.filters button[type=submit]').click();
    await summary.locator('tr[data-key=till-north]').waitFor();
    assert.match(page.url(), /groupBy=device/);
    assert.equal(await summary.locator('tr[data-key=till-north] td').first().textContent(), 'North till');
    assert.equal(await share('till-north', 'greeted'), '100%');

    await fileAnswers('till-north', [{ text: 'three out of ten', button: 1 }]);
    await allTranscribed(4);
    await settleReview(() => 3);
    const after = await allTranscribed(4);
    assert.ok(
      after.some((c) => c.score?.value === 3),
      `read or set as three: ${after.map((c) => c.transcript?.text).join(' | ')}`,
    );
    const north = await call<NpsReport>('GET', '/api/v1/nps?storeId=north');
    assert.deepEqual(
      { nps: north.nps, answers: north.answers, detractors: north.detractors },
      { nps: 0, answers: 2, detractors: 1 },
    );
    await page.reload();
    await page.locator('[data-store-id=north]').waitFor();
    assert.equal(await figure('north', 'nps'), '0');
    assert.equal(await figure('north', 'answers'), '2');
    assert.equal(await figure('north', 'detractors'), '1');
    assert.equal(await page.locator('[data-testid=nps-total] [data-field=answers] .value').textContent(), '3');
    assert.equal(await clipsCharted(), 4);
    assert.deepEqual(await hoursCharted(), localHours(after));
    assert.equal(await transcription('north', 'clips'), '3');
    assert.equal(await transcription('north', 'transcribed'), '3');
  });

  await t.test('switches between Russian and English, and keeps the choice', async () => {
    await page.locator('[data-nav=devices]').click();
    await page.locator('main[data-view=devices] h1').waitFor();
    await page.locator('[data-language=ru]').click();
    await page.locator('[data-nav=clips]').getByText('Записи').waitFor();
    assert.equal(await page.locator('h1').textContent(), 'Устройства');
    await page.locator('[data-nav=dashboard]').click();
    await page.locator('[data-store-id=north]').waitFor();
    await page.locator('[data-testid=scorecard-summary] h2').getByText('Итоги чек-листа').waitFor();
    assert.equal(await page.locator('[data-testid=transcription] th').first().textContent(), 'Магазин');
    await shoot('dashboard-ru');
    await page.reload();
    await page.locator('[data-nav=dashboard]').getByText('Сводка').waitFor();
    assert.equal(await page.evaluate<string>('document.documentElement.lang'), 'ru');
    await page.locator('[data-language=en]').click();
    await page.locator('[data-nav=dashboard]').getByText('Dashboard').waitFor();
  });

  await t.test('a manager of one store sees only its clips; signing out returns to the sign-in page', async () => {
    await page.locator('[data-action=logout]').click();
    await page.locator('form.login').waitFor();
    await page.fill('input[name=username]', 'sergei');
    await page.fill('input[name=password]', sergei);
    await page.locator('form.login button[type=submit]').click();
    await page.locator('[data-testid=who]').getByText('sergei · manager').waitFor();
    await page.locator('[data-nav=clips]').click();
    await rows().first().waitFor();
    assert.equal(await rows().count(), 1);
    assert.match((await rows().first().textContent()) ?? '', /South Street/);
  });

  assert.deepEqual(pageErrors, [], 'no script errors in the page');
});
