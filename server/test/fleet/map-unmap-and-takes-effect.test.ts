import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Topics } from '@earshot/shared/protocol';
import { ConfigPush } from '../../src/fleet/config-push.js';
import { LabelSync } from '../../src/fleet/label-sync.js';
import { MapTakesEffect, type Timers } from '../../src/fleet/map-takes-effect.js';
import { ButtonMap } from '../../src/questions/button-map.js';
import type { Database } from '../../src/db/database.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { quietLogger } from '../support/ingest-harness.js';

const topics = new Topics('earshot');
const BEGINNING = new Date('2020-01-01T00:00:00Z');
const HOUR = 3_600_000;

/** Two stores' devices, three questions, and a push that records what each device was sent. */
async function fleet(db: Database) {
  const now = new Date().toISOString();
  await db
    .insertInto('stores')
    .values({ id: 'north', name: 'North', location: null, time_zone: 'UTC', language: 'en', created_at: now })
    .execute();
  await db
    .insertInto('devices')
    .values(
      ['pi-1', 'pi-2'].map((id) => ({
        id,
        store_id: 'north',
        state: 'online' as const,
        version: null,
        state_changed_at: now,
        last_seen_at: now,
        name: null,
      })),
    )
    .execute();
  await db
    .insertInto('questions')
    .values([
      { id: 'nps', kind: 'nps', text_en: 'Recommend us?', text_ru: null },
      { id: 'improve', kind: 'open', text_en: 'Improve?', text_ru: null },
      { id: 'complaint', kind: 'complaint', text_en: 'Complaint', text_ru: null },
    ])
    .execute();
  const published: { topic: string; labels: Record<string, string | undefined> }[] = [];
  const push = new ConfigPush(db, topics, async (topic, payload) => {
    const config = JSON.parse(String(payload)) as { clips?: { perButton?: Record<string, { label?: string }> } };
    const perButton = config.clips?.perButton ?? {};
    published.push({ topic, labels: Object.fromEntries(Object.entries(perButton).map(([b, v]) => [b, v.label])) });
  });
  // Each device was configured once by its technician, so that the map's changes reach it.
  for (const id of ['pi-1', 'pi-2'])
    await push.push(id, { clips: { preSeconds: 20 } }, 'tech', { clips: { preSeconds: 20 } });
  published.length = 0;
  const labelsOf = (deviceId: string) => published.filter((p) => p.topic === topics.config(deviceId)).at(-1)?.labels;
  return { push, published, labelsOf };
}

/** A clock and timers the test moves by hand: `clock.now` is the time, `pending` the timers set. */
function handClock() {
  const clock = { now: Date.now() };
  const pending: { run: () => void; at: number }[] = [];
  const timers: Timers = {
    now: () => new Date(clock.now),
    setTimeout: (run, ms) => {
      const timer = { run, at: clock.now + ms };
      pending.push(timer);
      return timer;
    },
    clearTimeout: (timer) => {
      const at = pending.indexOf(timer as (typeof pending)[number]);
      if (at >= 0) pending.splice(at, 1);
    },
  };
  return { clock, pending, timers };
}

for (const kind of DATABASE_KINDS) {
  describe(`button maps on ${kind}: a narrower map leaves a button out; a future version is pushed when it takes effect`, () => {
    it('a device map that says null unmaps a button its store or the default maps', async (t) => {
      const database = await testDatabase(t, kind);
      if (!database) return;
      t.after(() => database.close());
      const { db } = database;
      const { push, labelsOf } = await fleet(db);
      const buttonMap = new ButtonMap(db);
      await buttonMap.addVersion('default', '', { '1': 'nps', '2': 'improve', '3': 'complaint' }, BEGINNING);
      const since = new Date(Date.now() - HOUR);
      await buttonMap.addVersion('device', 'pi-1', { '2': null, '3': 'nps' }, since);

      const at = new Date();
      assert.deepEqual(await buttonMap.resolve('pi-1', 2, at), { questionId: undefined, storeId: 'north' });
      assert.deepEqual(await buttonMap.resolve('pi-1', 3, at), { questionId: 'nps', storeId: 'north' });
      assert.deepEqual(await buttonMap.resolve('pi-1', 1, at), { questionId: 'nps', storeId: 'north' });
      assert.deepEqual(await buttonMap.resolve('pi-2', 2, at), { questionId: 'improve', storeId: 'north' });
      // A press from before the device's version keeps what the map said then.
      const before = new Date(since.getTime() - 60_000);
      assert.deepEqual(await buttonMap.resolve('pi-1', 2, before), { questionId: 'improve', storeId: 'north' });
      assert.deepEqual(await buttonMap.mappedAt('pi-1', at), { '1': 'nps', '3': 'nps' });
      assert.deepEqual(await buttonMap.mappedAt('pi-2', at), { '1': 'nps', '2': 'improve', '3': 'complaint' });

      const sync = new LabelSync(db, buttonMap, push, quietLogger);
      assert.equal(await sync.sync({ all: true }, 'admin'), 2);
      assert.deepEqual(labelsOf('pi-1'), { '1': 'Recommend us?', '3': 'Recommend us?' });
      assert.deepEqual(labelsOf('pi-2'), { '1': 'Recommend us?', '2': 'Improve?', '3': 'Complaint' });
    });

    it('a version dated later is pushed when its time comes, and one far off re-arms the timer', async (t) => {
      const database = await testDatabase(t, kind);
      if (!database) return;
      t.after(() => database.close());
      const { db } = database;
      const { push, labelsOf } = await fleet(db);
      const { clock, pending, timers } = handClock();
      const buttonMap = new ButtonMap(db, () => new Date(clock.now));
      await buttonMap.addVersion('default', '', { '1': 'nps' }, BEGINNING);
      const sync = new LabelSync(db, buttonMap, push, quietLogger);
      assert.equal(await sync.sync({ all: true }, 'admin'), 2);

      const scheduler = new MapTakesEffect(db, sync, quietLogger, timers);
      t.after(() => scheduler.close());
      await scheduler.arm();
      assert.equal(pending.length, 0, 'nothing to take effect: no timer');

      const start = clock.now;
      await buttonMap.addVersion('store', 'north', { '2': 'improve' }, new Date(start + 2 * HOUR));
      await buttonMap.addVersion('device', 'pi-2', { '1': null }, new Date(start + 3 * 24 * HOUR));
      await scheduler.arm();
      assert.deepEqual(
        pending.map((p) => p.at - start),
        [2 * HOUR],
      );
      /** Moves the clock to the timer's time and runs it, as Node would. */
      const elapse = async () => {
        const timer = pending.shift();
        assert.ok(timer, 'a timer is set');
        clock.now = timer.at;
        await scheduler.fire();
      };
      await elapse();
      assert.deepEqual(labelsOf('pi-1'), { '1': 'Recommend us?', '2': 'Improve?' });
      assert.deepEqual(labelsOf('pi-2'), { '1': 'Recommend us?', '2': 'Improve?' });
      // Three days off: the timer waits a day at most, and sets itself again.
      assert.deepEqual(
        pending.map((p) => p.at - start),
        [2 * HOUR + 24 * HOUR],
      );
      await elapse();
      assert.deepEqual(labelsOf('pi-2'), { '1': 'Recommend us?', '2': 'Improve?' }, 'not yet');
      await elapse();
      await elapse();
      assert.deepEqual(labelsOf('pi-2'), { '2': 'Improve?' }, 'in force: button 1 left out on pi-2');
      assert.deepEqual(pending, [], 'nothing left to take effect');
    });
  });
}

describe('a map that took effect while the server was down', () => {
  it('is pushed when the server starts', async (t) => {
    const database = await testDatabase(t, 'sqlite');
    if (!database) return;
    t.after(() => database.close());
    const { db } = database;
    const { push, labelsOf } = await fleet(db);
    const buttonMap = new ButtonMap(db);
    await buttonMap.addVersion('default', '', { '1': 'nps' }, BEGINNING);
    const sync = new LabelSync(db, buttonMap, push, quietLogger);
    assert.equal(await sync.sync({ all: true }, 'admin'), 2);
    // Written before the stop, in force since a minute ago: no server was running to push it.
    await buttonMap.addVersion('store', 'north', { '2': 'complaint' }, new Date(Date.now() - 60_000));
    const scheduler = new MapTakesEffect(db, sync, quietLogger);
    t.after(() => scheduler.close());
    await scheduler.start();
    assert.deepEqual(labelsOf('pi-1'), { '1': 'Recommend us?', '2': 'Complaint' });
    assert.deepEqual(labelsOf('pi-2'), { '1': 'Recommend us?', '2': 'Complaint' });
  });
});

describe('a map taking effect while the push fails', () => {
  it('is tried again a minute later, and pushed then', async (t) => {
    const database = await testDatabase(t, 'sqlite');
    if (!database) return;
    t.after(() => database.close());
    const { db } = database;
    const { clock, pending, timers } = handClock();
    // The labels' push fails once (the database away), then works.
    const synced: unknown[] = [];
    let failures = 1;
    const labels = {
      async sync(scope: unknown) {
        if (failures-- > 0) throw new Error('database unreachable');
        synced.push(scope);
        return 1;
      },
    } as unknown as LabelSync;
    const scheduler = new MapTakesEffect(db, labels, quietLogger, timers);
    t.after(() => scheduler.close());
    await new ButtonMap(db).addVersion('store', 'north', { '1': 'nps' }, new Date(clock.now + HOUR));
    await scheduler.arm();
    // Runs the timer's callback, as Node would, and waits for the push it starts.
    const run = async () => {
      const timer = pending.shift();
      assert.ok(timer, 'a timer is set');
      clock.now = timer.at;
      timer.run();
      await (scheduler as unknown as { running: Promise<void> }).running;
    };
    await run();
    assert.deepEqual(synced, []);
    assert.deepEqual(
      pending.map((p) => p.at - clock.now),
      [60_000],
      'tried again in a minute',
    );
    await run();
    assert.deepEqual(synced, [{ storeId: 'north' }]);
  });
});

describe('the button-map API takes null for "no question here"', () => {
  it('stores and shows it; an unknown question is still refused', async (t) => {
    const rig = await apiTest(t, 'sqlite');
    if (!rig) return;
    try {
      const { app } = rig;
      await app.inject({
        method: 'PUT',
        url: '/api/v1/questions/nps',
        payload: { kind: 'nps', text: { en: 'Recommend?' } },
      });
      await app.inject({ method: 'PUT', url: '/api/v1/devices/pi-1', payload: {} });
      const posted = await app.inject({
        method: 'POST',
        url: '/api/v1/button-maps/device/pi-1',
        payload: { buttons: { '1': 'nps', '2': null } },
      });
      assert.equal(posted.statusCode, 201, posted.body);
      const versions = await app.inject({ url: '/api/v1/button-maps/device/pi-1' });
      assert.deepEqual(
        versions.json<{ buttons: object }[]>().map((v) => v.buttons),
        [{ '1': 'nps', '2': null }],
      );
      const unknown = await app.inject({
        method: 'POST',
        url: '/api/v1/button-maps/device/pi-1',
        payload: { buttons: { '1': 'nowhere', '2': null } },
      });
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.json<{ error: string }>().error, /body\/buttons\/1: no question nowhere/);
    } finally {
      await rig.close();
    }
  });
});
