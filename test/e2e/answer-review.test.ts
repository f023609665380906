import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { consoleRig } from '@earshot/test-kit/console-rig';
import { waitFor } from '@earshot/test-kit/processes';
import { speak } from '@earshot/test-kit/speech';

const run = promisify(execFile);

/** Each conversation sits alone in a segment this long; its button is pressed after the answer. */
const SEGMENT_SECONDS = 10;
const PRESS_AT_SECONDS = 8;
const IMPORT_WINDOW = { preSeconds: PRESS_AT_SECONDS, postSeconds: SEGMENT_SECONDS - PRESS_AT_SECONDS };

interface ReviewPage {
  total: number;
  items: { clipId: string; form: string }[];
}
interface Summary {
  machine: number;
  confirmed: number;
  declined: number;
  awaitingReview: number;
}

/**
 * A manager clears the review queue with the keyboard in real headless Chromium against the real
 * earshot-server: counter conversations spoken by flite are filed through the batch import API,
 * transcribed by pocketsphinx and read; what the machine could not read waits for a person.
 */
it('answer review: the unsure answers wait in "To review", one key answers each, the dashboard and the audit log follow', async (t) => {
  const rig = await consoleRig(t, { import: IMPORT_WINDOW });
  if (!rig) return;
  const { api, token, call } = rig;
  const dir = { path: rig.dir };
  const screenshots = process.env.SCREENSHOTS_DIR ?? join(tmpdir(), 'earshot-console-screenshots');
  const maria = await rig.addUser('maria', 'manager', 'north');
  await call('PUT', '/api/v1/stores/north', { name: 'North Mall', timeZone: 'Europe/Moscow', language: 'en-US' });
  await call('PUT', '/api/v1/devices/till-north', { storeId: 'north', name: 'North till' });

  // Four conversations at the counter, each pressed after its answer: two the customer gave no
  // score in, which no machine can read and a person must settle.
  const conversations = [
    { question: 'How likely are you to recommend us to a friend?', answer: 'Hmm, I would rather not say.', button: 1 },
    { question: 'How likely are you to recommend us to a friend?', answer: 'I do not know, maybe.', button: 1 },
    { question: 'What should we improve?', answer: 'The queue at the checkout was too long.', button: 2 },
    { question: 'How likely are you to recommend us to a friend?', answer: 'Ten out of ten.', button: 1 },
  ];
  const segments: string[] = [];
  for (const [i, turn] of conversations.entries()) {
    const question = join(dir.path, `q-${i}.wav`);
    const answer = join(dir.path, `a-${i}.wav`);
    await speak(turn.question, question, 'slt');
    await speak(turn.answer, answer);
    const segment = join(dir.path, `segment-${i}.wav`);
    await run('sox', [
      question,
      answer,
      segment,
      'pad',
      '0.5',
      String(SEGMENT_SECONDS),
      'trim',
      '0',
      String(SEGMENT_SECONDS),
    ]);
    segments.push(segment);
  }
  const recording = join(dir.path, 'recording.wav');
  await run('sox', [...segments, recording]);
  const form = new FormData();
  form.append('deviceId', 'till-north');
  form.append(
    'presses',
    JSON.stringify({
      recordingStart: new Date(Date.now() - conversations.length * SEGMENT_SECONDS * 1000).toISOString(),
      presses: conversations.map((c, i) => ({ at: i * SEGMENT_SECONDS + PRESS_AT_SECONDS, button: c.button })),
    }),
  );
  form.append('recording', new Blob([await readFile(recording)], { type: 'audio/wav' }), 'recording.wav');
  const imported = await fetch(`${api}/api/v1/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  assert.equal(imported.status, 202, await imported.clone().text());
  await waitFor(
    'four clips transcribed',
    async () => {
      const { items } = await call<{ items: { status: string }[] }>('GET', '/api/v1/clips?limit=100');
      return items.length === 4 && items.every((c) => c.status === 'transcribed') ? true : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 250 },
  );
  const queue = await call<ReviewPage>('GET', '/api/v1/answers/review');
  const before = await call<Summary>('GET', '/api/v1/answers/summary');
  assert.ok(queue.total >= 2, `the two answers without a score wait for review: ${JSON.stringify(queue)}`);
  assert.equal(before.awaitingReview, queue.total);

  const { page } = await rig.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${api}/console/`);
  await page.locator('[data-language=en]').click();
  await page.fill('input[name=username]', 'maria');
  await page.fill('input[name=password]', maria);
  await page.locator('form.login button[type=submit]').click();
  await page.locator('[data-testid=who]').getByText('maria · manager').waitFor();

  await t.test('the dashboard counts the answers awaiting review and links to the queue', async () => {
    await page.locator('[data-nav=dashboard]').click();
    const awaiting = page.locator('[data-testid=answer-sources] [data-testid=to-review]');
    await awaiting.waitFor();
    assert.equal(await awaiting.textContent(), String(queue.total));
    await awaiting.click();
    await rig.shows(page, /#\/review$/);
  });

  const answered: { clipId: string; body: object }[] = [];
  await t.test(
    'one key per clip: a score, "no answer given", or the words confirmed; the next clip comes at once',
    async () => {
      const item = page.locator('[data-testid=review-item]');
      await item.waitFor();
      // The press is a line of no width (Playwright's "visible" needs a box): present is enough.
      await page.locator('[data-testid=press-mark]').waitFor({ state: 'attached' });
      await page.locator('[data-testid=answer-window]').waitFor();
      for (const size of [
        { width: 1280, height: 800 },
        { width: 390, height: 844 },
      ]) {
        await page.setViewportSize(size);
        await page.screenshot({ path: join(screenshots, `review-${size.width}.png`), fullPage: true });
      }
      await page.setViewportSize({ width: 1280, height: 800 });
      for (let i = 0; i < queue.total; i++) {
        const clipId = await item.getAttribute('data-clip-id');
        const formOf = await item.getAttribute('data-form');
        assert.ok(clipId && formOf);
        // Playback starts in the answer window, not at the clip's start.
        const windowStart = Number(await item.getAttribute('data-window-start-ms')) / 1000;
        await waitFor('playback from the answer window', async () => {
          const at = await page.evaluate<number>(
            "document.querySelector('[data-testid=review-item] audio').currentTime",
          );
          return at >= windowStart - 0.05 ? true : undefined;
        });
        const key = formOf === 'nps' ? (i === 0 ? 'x' : '7') : formOf === 'text' ? 'c' : 'x';
        await page.keyboard.press(key);
        answered.push({ clipId, body: key === 'x' ? { declined: true } : key === '7' ? { value: 7 } : {} });
        if (i < queue.total - 1) {
          await waitFor('the next clip', async () =>
            (await item.getAttribute('data-clip-id')) !== clipId ? true : undefined,
          );
        }
      }
      await page.locator('[data-testid=review-empty]').waitFor();
      assert.equal((await call<ReviewPage>('GET', '/api/v1/answers/review')).total, 0);
    },
  );

  await t.test('the dashboard shows the confirmed answers, and the audit log names who answered', async () => {
    const after = await call<Summary>('GET', '/api/v1/answers/summary');
    assert.equal(after.awaitingReview, 0);
    const declined = answered.filter((a) => 'declined' in a.body).length;
    assert.equal(after.declined, before.declined + declined);
    assert.equal(after.confirmed, before.confirmed + answered.length - declined);
    await page.locator('[data-nav=dashboard]').click();
    await page
      .locator('[data-testid=answer-sources] [data-field=confirmed] .value')
      .getByText(String(after.confirmed))
      .waitFor();
    const audit = await call<{ items: { action: string; username: string; subjectId: string }[] }>(
      'GET',
      '/api/v1/audit?action=clip.answer',
    );
    const byMaria = audit.items.filter((e) => e.action === 'clip.answer' && e.username === 'maria');
    assert.deepEqual(byMaria.map((e) => e.subjectId).sort(), answered.map((a) => a.clipId).sort());

    // The player shows the person's answer, with the machine's kept beside it.
    const [first] = answered;
    assert.ok(first);
    await rig.open(page, `#/clips/${first.clipId}`);
    await page.locator('[data-testid=clip-score][data-source=human]').waitFor();
    await page.locator('[data-testid=press-mark]').waitFor({ state: 'attached' });
    // What the machine did is said in words, never a bare dash.
    const machineSaid = (await page.locator('[data-testid=machine-said]').textContent()) ?? '';
    assert.match(machineSaid, /^The machine (read: \S|gave no answer and left the clip for review\.$)/);
    assert.doesNotMatch(machineSaid, /—/);
    for (const size of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(size);
      await page.screenshot({ path: join(screenshots, `player-answer-${size.width}.png`), fullPage: true });
    }
    assert.deepEqual(pageErrors, []);
  });
});
