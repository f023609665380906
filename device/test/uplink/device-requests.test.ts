import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@earshot/shared/log';
import { Topics } from '@earshot/shared/protocol';
import { DeviceRequests, type DeviceRequestsOptions } from '../../src/uplink/device-requests.js';
import type { Publisher } from '../../src/uplink/publisher.js';

const topics = new Topics('earshot');

/** Requests wired to a fake publisher; `events` is what happened, in order. */
function setUp(overrides: Partial<DeviceRequestsOptions> = {}) {
  const events: string[] = [];
  const published: { topic: string; body: Record<string, unknown>; retain: boolean }[] = [];
  let answered: () => void = () => undefined;
  const link: Publisher = {
    connected: true,
    signal: new AbortController().signal,
    publish: async (topic, payload, retain = false) => {
      published.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown>, retain });
      events.push(`publish ${topic.split('/').slice(3).join('/')}`);
      answered();
    },
  };
  const requests = new DeviceRequests({
    deviceId: 'pi-1',
    topics,
    link,
    logger: createLogger({ name: 'test', level: 'silent' }),
    applyConfig: async () => undefined,
    press: (button) => `clip-${button}`,
    storePassword: async (password, previous) => {
      events.push(`store ${password} (previous ${previous})`);
    },
    loginPassword: () => 'old',
    usePassword: (password, previous) => events.push(`use ${password} (previous ${previous})`),
    ...overrides,
  });
  /** Handles a message and resolves once the answer is published and what follows it has run. */
  const send = async (topic: string, body: unknown) => {
    const done = new Promise<void>((resolve) => (answered = resolve));
    assert.equal(requests.handle(topic, Buffer.from(JSON.stringify(body))), true);
    await done;
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { requests, published, events, send };
}

describe('device requests', () => {
  it('subscribes to the config topic and each request, and leaves other topics alone', () => {
    const { requests } = setUp();
    assert.deepEqual(requests.subscriptions().sort(), [
      topics.config('pi-1'),
      topics.request('pi-1', 'credentials'),
      topics.request('pi-1', 'press'),
    ]);
    assert.equal(requests.handle(topics.ack('pi-1'), Buffer.from('{}')), false);
  });

  it('answers a test press with the clip id, or with the reason it refused', async () => {
    const { published, send } = setUp({
      press: (button) => {
        if (button > 3) throw new Error('/button must be from 1 to 3 (got 7)');
        return `clip-${button}`;
      },
    });
    await send(topics.request('pi-1', 'press'), { transaction: 't1', button: 2 });
    await send(topics.request('pi-1', 'press'), { transaction: 't2', button: 7 });
    assert.deepEqual(
      published.map(({ topic, body }) => [topic, body.transaction, body.status, body.clipId ?? body.reason]),
      [
        [topics.response('pi-1', 'press'), 't1', 'pressed', 'clip-2'],
        [topics.response('pi-1', 'press'), 't2', 'refused', '/button must be from 1 to 3 (got 7)'],
      ],
    );
  });

  it('stores a rotated password first, answers, and only then logs in with it, keeping the old one', async () => {
    const { published, events, send } = setUp();
    await send(topics.request('pi-1', 'credentials'), { transaction: 't3', password: 'new-password-0123456789' });
    assert.deepEqual(events, [
      'store new-password-0123456789 (previous old)',
      'publish response/credentials',
      'use new-password-0123456789 (previous old)',
    ]);
    assert.deepEqual(published[0]?.body, { transaction: 't3', status: 'ok' });
  });

  it('answers a rotation it cannot store with the error, and keeps the password', async () => {
    const { published, events, send } = setUp({
      storePassword: async () => {
        throw new Error('no MQTT username configured or enrolled');
      },
    });
    await send(topics.request('pi-1', 'credentials'), { transaction: 't4', password: 'new-password-0123456789' });
    assert.deepEqual(published[0]?.body, {
      transaction: 't4',
      status: 'error',
      error: 'no MQTT username configured or enrolled',
    });
    assert.deepEqual(events, ['publish response/credentials']);
  });

  it('reports a configuration applied or rejected (retained), and keeps the version in force', async () => {
    const { requests, published, send } = setUp({
      applyConfig: async (config) => {
        if ((config.clips?.buttons ?? 1) > 8) throw new Error('/clips/buttons: 8 at most');
      },
    });
    await send(topics.config('pi-1'), { version: 2, clips: { buttons: 4 } });
    await send(topics.config('pi-1'), { version: 3, clips: { buttons: 12 } });
    assert.equal(requests.configVersion, 2);
    assert.deepEqual(
      published.map(({ topic, body, retain }) => [topic, retain, body.status, body.version, body.reason]),
      [
        [topics.configState('pi-1'), true, 'applied', 2, undefined],
        [topics.configState('pi-1'), true, 'rejected', 3, '/clips/buttons: 8 at most'],
      ],
    );
  });
});
