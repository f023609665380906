import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { launchChromium, requireChromium } from '@earshot/test-kit/browser';
import { freePort } from '@earshot/test-kit/ports';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';

/**
 * A Pi whose microphone is missing, as staff meet it on the counter's touchscreen: the page says
 * so in plain words before anyone presses, and a press says it was not recorded and what to do.
 * The recorder is the real arecord, asked for a sound card this machine does not have.
 */
it('the on-screen buttons of a device with no microphone tell staff what to do', async (t) => {
  if (!(await requireChromium(t))) return;
  const dir = await tempDir();
  const port = await freePort();
  const config = join(dir.path, 'device.json');
  await writeFile(
    config,
    JSON.stringify({
      deviceId: 'till-mute',
      stateDir: join(dir.path, 'state'),
      audio: { source: { type: 'recorder', recorder: 'arecord', device: 'plughw:CARD=NoSuchCard,DEV=0' } },
      mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` },
      http: { host: '127.0.0.1', port },
    }),
  );
  const device = startProcess(process.execPath, [BIN.device, '--config', config]);
  const context = await launchChromium(join(dir.path, 'chromium'), { width: 800, height: 480 });
  t.after(async () => {
    await context.close();
    await device.stop();
    await dir.remove();
  });
  await device.waitForLine(/device started/);
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  const banner = page.locator('#alert');
  await banner.waitFor({ state: 'visible' });
  assert.match((await banner.textContent()) ?? '', /microphone is not working.*plugged in.*call your technician/);
  const screenshots = process.env.SCREENSHOTS_DIR ?? join(tmpdir(), 'earshot-console-screenshots');
  await mkdir(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, 'device-page-no-mic-800.png') });
  await page.locator('button[data-button="1"]').click();
  await page
    .locator('#msg')
    .getByText(/^Not recorded: the microphone is not working/)
    .waitFor();
});

/**
 * A counter with three questions on an 800x480 touchscreen, set to Russian: three buttons named
 * by their questions fill the screen without scrolling, and a press of a button with no question
 * (say, from an old bookmark or the CLI) is refused rather than filed as a clip with no question.
 */
it('the on-screen buttons show only the labelled buttons, in Russian, on one 800x480 screen', async (t) => {
  if (!(await requireChromium(t))) return;
  const dir = await tempDir();
  const port = await freePort();
  const config = join(dir.path, 'device.json');
  const silence = join(dir.path, 'silence.raw');
  await writeFile(silence, Buffer.alloc(16_000 * 2));
  await writeFile(
    config,
    JSON.stringify({
      deviceId: 'till-ru',
      stateDir: join(dir.path, 'state'),
      audio: { source: { type: 'file', path: silence, loop: true }, bufferSeconds: 10 },
      clips: {
        preSeconds: 1,
        postSeconds: 1,
        perButton: {
          '1': { label: 'Порекомендуете ли вы нас?' },
          '2': { label: 'Что нам улучшить?' },
          '3': { label: 'Жалоба' },
        },
      },
      mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` },
      http: { host: '127.0.0.1', port, language: 'ru' },
    }),
  );
  const device = startProcess(process.execPath, [BIN.device, '--config', config]);
  const context = await launchChromium(join(dir.path, 'chromium'), { width: 800, height: 480 });
  t.after(async () => {
    await context.close();
    await device.stop();
    await dir.remove();
  });
  await device.waitForLine(/device started/);
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  const buttons = page.locator('button[data-button]');
  assert.deepEqual(await buttons.allTextContents(), ['1Порекомендуете ли вы нас?', '2Что нам улучшить?', '3Жалоба']);
  assert.match((await page.locator('#msg').textContent()) ?? '', /^Нажмите, чтобы отметить разговор/);
  const fits = await page.evaluate('document.documentElement.scrollHeight <= window.innerHeight');
  assert.equal(fits, true, 'no scrolling on 800x480');
  const screenshots = process.env.SCREENSHOTS_DIR ?? join(tmpdir(), 'earshot-console-screenshots');
  await mkdir(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, 'device-page-ru-800.png') });
  const refused = await fetch(`http://127.0.0.1:${port}/api/v1/press`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ button: 5 }),
  });
  assert.equal(refused.status, 409);
  assert.match(((await refused.json()) as { error: string }).error, /button 5 answers no question/);
});
