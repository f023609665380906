import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { captureLog } from '@earshot/test-kit/log-capture';
import { type CancelResult, PressEndpoint, type PressTarget } from '../../src/buttons/press-endpoint.js';

describe('press endpoint and on-screen buttons', () => {
  const presses: [number, string][] = [];
  let cancelResult: CancelResult = { cancelled: true, clipId: '01ABC' };
  const target: PressTarget = {
    buttons: 3,
    press(button, input) {
      presses.push([button, input]);
      return { clipId: `clip-${button}`, startAt: 'a', endAt: 'b', truncated: false };
    },
    cancelLast: () => cancelResult,
    status: () => ({ ok: true }),
  };
  const endpoint = new PressEndpoint(target, captureLog().logger, [
    { button: 1, label: 'Service' },
    { button: 2, label: 'Price <& "quality">' },
    { button: 3, label: 'Button 3' },
  ]);
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
  });

  it('shows new labels after a remote configuration changed them', async () => {
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
    const cancel = () => fetch(`${base}/api/v1/cancel`, { method: 'POST' });
    const done = await cancel();
    assert.equal(done.status, 200);
    assert.deepEqual(await done.json(), { cancelled: true, clipId: '01ABC' });
    cancelResult = { cancelled: false, reason: 'no recent clip to cancel' };
    const refused = await cancel();
    assert.equal(refused.status, 409);
    assert.deepEqual(await refused.json(), cancelResult);
    assert.equal((await fetch(`${base}/api/v1/cancel`)).status, 405);
  });
});
