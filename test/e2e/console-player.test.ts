import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { it } from 'node:test';
import { consoleRig } from '@earshot/test-kit/console-rig';
import { waitFor } from '@earshot/test-kit/processes';
import { importSpokenAnswers } from '@earshot/test-kit/spoken-import';

/** Each spoken answer sits alone in a segment this long, pressed after it; the window cuts the segment. */
const SEGMENT_SECONDS = 6;
const PRESS_AT_SECONDS = 4.5;

interface ApiClip {
  id: string;
  status: string;
  container: string;
  answer: { pressMs: number; window: { startMs: number; endMs: number } } | null;
}

/** Records what the page's content security policy refused, from the first script on. */
const RECORD_CSP_VIOLATIONS = `
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) =>
    window.cspViolations.push(event.effectiveDirective + ' ' + event.blockedURI));
`;

/**
 * The player in real headless Chromium against the real earshot-server: answers spoken by flite,
 * filed through the import API and read by pocketsphinx; wavesurfer.js draws the waveform under
 * the console's CSP (a per-response style nonce), with the press and the answer window as regions.
 */
it('the player: waveform regions, speed, keys, download, previous and next, under the CSP', async (t) => {
  const rig = await consoleRig(t, {
    import: { preSeconds: PRESS_AT_SECONDS, postSeconds: SEGMENT_SECONDS - PRESS_AT_SECONDS },
  });
  if (!rig) return;
  const maria = await rig.addUser('maria', 'manager', 'north');
  await rig.call('PUT', '/api/v1/stores/north', { name: 'North Mall', timeZone: 'Europe/Moscow', language: 'en-US' });
  await rig.call('PUT', '/api/v1/devices/till-north', { storeId: 'north', name: 'North till' });
  await rig.call('POST', '/api/v1/button-maps/store/north', {
    buttons: { '1': 'nps' },
    effectiveFrom: new Date(Date.now() - 3_600_000).toISOString(),
  });
  // A checklist gives the player a comment field to type in.
  await rig.call('PUT', '/api/v1/checklists/service', {
    questionId: 'nps',
    name: 'Service',
    items: [{ id: 'greeted', text: { en: 'Greeted the customer', ru: 'Поздоровался с покупателем' } }],
  });
  await importSpokenAnswers({
    api: rig.api,
    token: rig.token,
    dir: rig.dir,
    deviceId: 'till-north',
    answers: [
      { text: 'ten out of ten the coffee was great', button: 1 },
      { text: 'I would rather not say', button: 1 },
      { text: 'I would give you a nine', button: 1 },
    ],
    segmentSeconds: SEGMENT_SECONDS,
    pressAtSeconds: PRESS_AT_SECONDS,
  });
  const clips = await waitFor(
    'three clips read',
    async () => {
      const { items } = await rig.call<{ items: ApiClip[] }>('GET', '/api/v1/clips?limit=10');
      return items.length === 3 && items.every((c) => c.status === 'transcribed' && c.answer) ? items : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 250 },
  );

  const { page, errors } = await rig.newPage();
  const consoleViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) consoleViolations.push(message.text());
  });
  await page.addInitScript(RECORD_CSP_VIOLATIONS);
  await rig.signIn(page, 'maria', maria);
  const audio = (property: string) => page.evaluate<number | boolean>(`document.querySelector('audio').${property}`);
  const rows = page.locator('[data-testid=clip-table] tbody tr');
  const listed: string[] = [];

  await t.test('the waveform marks the press and the answer window as regions', async () => {
    await rows.nth(2).waitFor();
    for (let i = 0; i < 3; i++) listed.push((await rows.nth(i).getAttribute('data-clip-id')) ?? '');
    await rows.nth(1).click();
    await rig.shows(page, new RegExp(`#/clips/${listed[1]}$`));
    await page.locator('[data-testid=waveform][data-state=ready]').waitFor();
    await rig.until(page, "document.querySelector('audio').duration > 0");
    const clip = clips.find((c) => c.id === listed[1]);
    assert.ok(clip?.answer);
    const duration = (await audio('duration')) as number;
    // Regions sit at their share of the clip's width (style.left in %); the press is a marker.
    const left = async (testId: string) =>
      Number(/left: ([\d.]+)%/.exec((await page.locator(`[data-testid=${testId}]`).getAttribute('style')) ?? '')?.[1]);
    await page.locator('[data-testid=answer-window]').waitFor();
    await page.locator('[data-testid=press-mark]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('[data-testid=answer-window]').count(), 1);
    assert.equal(await page.locator('[data-testid=press-mark]').count(), 1);
    const percent = (ms: number) => (100 * ms) / 1000 / duration;
    assert.ok(Math.abs((await left('answer-window')) - percent(clip.answer.window.startMs)) < 0.5);
    assert.ok(Math.abs((await left('press-mark')) - percent(clip.answer.pressMs)) < 0.5);
    // A click inside the answer window seeks there: the region does not swallow it.
    const box = await page.locator('[data-testid=waveform]').boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await rig.until(page, `Math.abs(document.querySelector('audio').currentTime - ${duration / 2}) < 0.1`);
    await page.evaluate("document.querySelector('audio').pause()");
    assert.match((await page.locator('[data-testid=no-flags]').textContent()) ?? '', /Nothing unusual/);
    await rig.shoot(page, 'player');
  });

  await t.test('the speed buttons set the playback rate, and it stays for the next clip', async () => {
    for (const rate of [1.5, 0.75, 2, 1.25]) {
      await page.locator(`[data-testid=speed] button[value="${rate}"]`).click();
      assert.equal(await audio('playbackRate'), rate);
      assert.equal(await page.locator('[data-testid=speed] [aria-pressed=true]').getAttribute('value'), String(rate));
    }
  });

  await t.test('Space plays and pauses, ←/→ seek 5 s, none of them while typing', async () => {
    await page.locator('h1').click();
    assert.equal(await audio('paused'), true);
    await page.keyboard.press('Space');
    await rig.until(page, "!document.querySelector('audio').paused");
    await page.keyboard.press('Space');
    await rig.until(page, "document.querySelector('audio').paused");
    await page.evaluate("document.querySelector('audio').currentTime = 0.5");
    await page.keyboard.press('ArrowRight');
    assert.ok(Math.abs(((await audio('currentTime')) as number) - 5.5) < 0.01);
    await page.keyboard.press('ArrowLeft');
    assert.ok(Math.abs(((await audio('currentTime')) as number) - 0.5) < 0.01);
    const comment = page.locator('textarea[name=comment]');
    await comment.click();
    await page.keyboard.type(' jk');
    await page.keyboard.press('ArrowRight');
    assert.equal(await comment.inputValue(), ' jk');
    assert.equal(await audio('paused'), true);
    assert.ok(Math.abs(((await audio('currentTime')) as number) - 0.5) < 0.01);
    assert.match(page.url(), new RegExp(`#/clips/${listed[1]}$`));
    await comment.fill('');
  });

  await t.test(
    'J and K, and the buttons, open the previous and next clip of the list; back returns to it',
    async () => {
      const at = async (index: number) => {
        await rig.shows(page, new RegExp(`#/clips/${listed[index]}$`));
        await page.locator('[data-testid=waveform][data-state=ready]').waitFor();
      };
      await page.locator('h1').click();
      await page.keyboard.press('k');
      await at(2);
      assert.equal(await page.locator('[data-action=next]').isDisabled(), true, 'the last clip has no next');
      assert.equal(await audio('playbackRate'), 1.25, 'the speed chosen stays');
      await page.keyboard.press('j');
      await at(1);
      await page.keyboard.press('J');
      await at(0);
      assert.equal(await page.locator('[data-action=previous]').isDisabled(), true, 'the first clip has no previous');
      await page.locator('[data-action=next]').click();
      await at(1);
      await page.locator('[data-action=previous]').click();
      await at(0);
      await page.locator('button.back').click();
      await rig.shows(page, /#\/clips$/);
      await rows.first().click();
      await at(0);
    },
  );

  await t.test('the download button saves the audio through the API, audited as a download', async () => {
    const clip = clips.find((c) => c.id === listed[0]);
    assert.ok(clip);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-action=download]').click(),
    ]);
    assert.equal(download.suggestedFilename(), `earshot-${clip.id}.${clip.container}`);
    const saved = await readFile(await download.path());
    // A range, so this comparison is a listen, not another download.
    const original = await fetch(`${rig.api}/api/v1/clips/${clip.id}/audio`, {
      headers: { authorization: `Bearer ${rig.token}`, range: 'bytes=0-' },
    });
    assert.ok(Buffer.from(await original.arrayBuffer()).equals(saved));
    const audit = await rig.call<{ items: { username: string; subjectId: string }[] }>(
      'GET',
      '/api/v1/audit?action=clip.download',
    );
    assert.deepEqual(
      audit.items.map((e) => [e.username, e.subjectId]),
      [['maria', clip.id]],
    );
  });

  await t.test('the review view draws the same regions and starts in the answer window', async () => {
    await rig.open(page, `#/review`);
    const item = page.locator('[data-testid=review-item]');
    await item.waitFor();
    await page.locator('[data-testid=waveform][data-state=ready]').waitFor();
    await page.locator('[data-testid=answer-window]').waitFor();
    await page.locator('[data-testid=press-mark]').waitFor({ state: 'attached' });
    const windowStart = Number(await item.getAttribute('data-window-start-ms')) / 1000;
    await rig.until(page, `document.querySelector('audio').currentTime >= ${windowStart - 0.05}`);
    await page.evaluate("document.querySelector('audio').pause()");
    await rig.shoot(page, 'review-player');
  });

  await t.test('no CSP violations; the policy still refuses inline scripts and styles', async () => {
    assert.deepEqual(await page.evaluate('window.cspViolations'), []);
    assert.deepEqual(consoleViolations, []);
    await page.evaluate(`(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineScriptRan = true';
      document.head.append(script);
      const style = document.createElement('style');
      style.textContent = 'body { background: red }';
      document.head.append(style);
    })()`);
    await rig.until(page, 'window.cspViolations.length === 2');
    assert.equal(await page.evaluate('window.inlineScriptRan'), undefined);
    assert.deepEqual((await page.evaluate<string[]>('window.cspViolations')).sort(), [
      'script-src-elem inline',
      'style-src-elem inline',
    ]);
    assert.deepEqual(errors, []);
  });
});
