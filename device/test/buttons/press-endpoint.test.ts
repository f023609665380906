import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { captureLog } from '@earshot/test-kit/log-capture';
import { UnmappedButtonError, unmappedProblem } from '../../src/buttons/button-map.js';
import { buttonPage } from '../../src/buttons/button-page.js';
import { PAGE_TEXT } from '../../src/buttons/page-text.js';
import { type CancelResult, PressEndpoint, type PressTarget } from '../../src/buttons/press-endpoint.js';

describe('press endpoint and on-screen buttons', () => {
  const presses: [number, string][] = [];
  let cancelResult: CancelResult = { cancelled: true, clipId: '01ABC' };
  /** The daemon's button map, which decides what may press: labels for 1 to 3 at first. */
  let labels: Record<string, { label: string }> = { '1': { label: 'a' }, '2': { label: 'b' }, '3': { label: 'c' } };
  const target: PressTarget = {
    buttons: 3,
    press(button, input) {
      const unmapped = unmappedProblem({ clips: { buttons: 3, perButton: labels } } as never, button);
      if (unmapped !== undefined) throw new UnmappedButtonError(unmapped);
      presses.push([button, input]);
      return { clipId: `clip-${button}`, startAt: 'a', endAt: 'b', truncated: false };
    },
    cancelLast: () => cancelResult,
    status: () => ({ ok: true }),
  };
  const endpoint = new PressEndpoint(
    target,
    captureLog().logger,
    [
      { button: 1, label: 'Service' },
      { button: 2, label: 'Price <& "quality">' },
      { button: 3, label: 'Button 3' },
    ],
    ['till-1.local'],
  );
  let base = '';
  before(async () => {
    const address = await endpoint.listen('127.0.0.1', 0);
    base = `http://127.0.0.1:${address.port}`;
  });
  after(async () => endpoint.close());

  it('serves a page with one button per logical button, labels escaped', async () => {
    const response = await fetch(`${base}/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const html = await response.text();
    const buttons = [...html.matchAll(/<button data-button="(\d+)">(.*?)<\/button>/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(buttons, [
      ['1', '<span class="n">1</span>Service'],
      ['2', '<span class="n">2</span>Price &#60;&#38; &#34;quality&#34;&#62;'],
      ['3', '<span class="n">3</span>Button 3'],
    ]);
    assert.match(html, /fetch\(path/);
    assert.match(html, /'\/api\/v1\/press'/);
    assert.match(html, /'\/api\/v1\/cancel'/);
    // A press refused for want of audio (503) tells staff what to do, in plain words.
    assert.ok(html.includes(`if (status === 503) return ${JSON.stringify(PAGE_TEXT.en.noAudio)}`));
    assert.match(PAGE_TEXT.en.noAudio, /microphone is not working.*plugged in.*call your technician/);
  });

  it('shows new labels after a remote configuration changed them', async () => {
    labels = { '1': { label: 'Service' }, '2': { label: 'Coffee' } };
    endpoint.setButtons([
      { button: 1, label: 'Service' },
      { button: 2, label: 'Coffee' },
    ]);
    const html = await (await fetch(`${base}/`)).text();
    assert.deepEqual(
      [...html.matchAll(/<button data-button="\d+"><span class="n">\d+<\/span>(.*?)<\/button>/g)].map((m) => m[1]),
      ['Service', 'Coffee'],
    );
  });

  it("answers 409 with the target's reason when the map leaves the button out", async () => {
    const bad = await fetch(`${base}/api/v1/press`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ button: 3 }),
    });
    assert.equal(bad.status, 409);
    assert.match(((await bad.json()) as { error: string }).error, /button 3 answers no question.*in use: 1, 2/);
    assert.deepEqual(presses, []);
  });

  it('speaks Russian when the device is set to it', () => {
    const html = buttonPage([{ button: 1, label: 'Сервис' }], 'ru');
    assert.match(html, /<html lang="ru">/);
    assert.ok(html.includes(PAGE_TEXT.ru.hint(2)));
    assert.ok(html.includes(JSON.stringify(PAGE_TEXT.ru.unmapped)));
    assert.ok(!html.includes(PAGE_TEXT.en.recorded));
  });

  it('takes a press as the page posts it, and refuses a button that does not exist', async () => {
    const post = (body: string) =>
      fetch(`${base}/api/v1/press`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const ok = await post(JSON.stringify({ button: 2 }));
    assert.equal(ok.status, 202);
    assert.deepEqual(await ok.json(), { clipId: 'clip-2', startAt: 'a', endAt: 'b', truncated: false });
    const bad = await post(JSON.stringify({ button: 4 }));
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /from 1 to 3/);
    assert.deepEqual(presses, [[2, 'http']]);
  });

  it('cancels the last clip on POST /api/v1/cancel, and says why when it cannot', async () => {
    const cancel = () =>
      fetch(`${base}/api/v1/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const done = await cancel();
    assert.equal(done.status, 200);
    assert.deepEqual(await done.json(), { cancelled: true, clipId: '01ABC' });
    cancelResult = { cancelled: false, reason: 'no recent clip to cancel' };
    const refused = await cancel();
    assert.equal(refused.status, 409);
    assert.deepEqual(await refused.json(), cancelResult);
    assert.equal((await fetch(`${base}/api/v1/cancel`)).status, 405);
  });

  /** A raw request, so Host and Origin can be what a hostile page or a rebinding name would send. */
  function raw(path: string, headers: Record<string, string>, body = '{"button": 1}'): Promise<number> {
    const url = new URL(base);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          headers: { 'content-length': Buffer.byteLength(body), ...headers },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('refuses form and text bodies with 415: a cross-site form needs no preflight', async () => {
    presses.length = 0;
    const host = new URL(base).host;
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      assert.equal(await raw('/api/v1/press', { host, 'content-type': type }), 415, type);
      assert.equal(await raw('/api/v1/cancel', { host, 'content-type': type }, ''), 415, type);
    }
    assert.equal(await raw('/api/v1/press', { host }), 415, 'no content-type');
    assert.deepEqual(presses, []);
  });

  it('refuses a press posted by another site, or through a name that is not allowed, with 403', async () => {
    presses.length = 0;
    const { host, port } = new URL(base);
    const json = { 'content-type': 'application/json' };
    assert.equal(await raw('/api/v1/press', { ...json, host, origin: 'https://evil.example' }), 403);
    assert.equal(await raw('/api/v1/press', { ...json, host, origin: 'null' }), 403);
    assert.equal(await raw('/api/v1/cancel', { ...json, host, origin: 'http://evil.example' }), 403);
    assert.equal(await raw('/api/v1/press', { ...json, host: `evil.example:${port}` }), 403, 'DNS rebinding');
    assert.deepEqual(presses, []);
    assert.equal(await raw('/api/v1/press', { ...json, host, origin: base }), 202, 'the on-screen page itself');
    assert.equal(await raw('/api/v1/press', { ...json, host: `localhost:${port}` }), 202);
    assert.equal(
      await raw('/api/v1/press', { ...json, host: `till-1.local:${port}`, origin: `http://till-1.local:${port}` }),
      202,
    );
    assert.equal(presses.length, 3);
  });
});
