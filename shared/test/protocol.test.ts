import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decoders, MAX_CHUNK_BYTES, MessageError, Topics } from '../src/protocol/index.js';

describe('protocol v1 topics', () => {
  const topics = new Topics('shop/earshot');
  const all = [
    topics.status('d1'),
    topics.ack('d1'),
    topics.heartbeat('d1'),
    topics.config('d1'),
    topics.configState('d1'),
    topics.clipInit('d1', 'c1'),
    topics.clipChunk('d1', 'c1', 1048576),
    topics.clipFin('d1', 'c1'),
    topics.request('d1', 'press'),
    topics.response('d1', 'credentials'),
  ];

  it('stays within AWS IoT limits: at most 7 slashes, no leading $', () => {
    for (const topic of all) {
      assert.ok(topic.split('/').length - 1 <= 7, topic);
      assert.ok(!topic.startsWith('$'), topic);
    }
    assert.ok(MAX_CHUNK_BYTES < 128 * 1000);
  });

  it('parses every topic it makes, and nothing else', () => {
    assert.deepEqual(
      all.map((t) => topics.parse(t)?.kind),
      [
        'status',
        'ack',
        'heartbeat',
        'config',
        'config-state',
        'clip-init',
        'clip-chunk',
        'clip-fin',
        'request',
        'response',
      ],
    );
    assert.equal(topics.parse(topics.clipChunk('d1', 'c1', 7))?.kind, 'clip-chunk');
    assert.deepEqual(topics.parse(topics.request('d1', 'credentials')), {
      kind: 'request',
      deviceId: 'd1',
      name: 'credentials',
    });
    assert.deepEqual(topics.parse(topics.response('d1', 'credentials')), {
      kind: 'response',
      deviceId: 'd1',
      name: 'credentials',
    });
    assert.equal(topics.parse(`${topics.device('d1')}/request/reboot`), undefined, 'only known requests');
    for (const bad of [
      'shop/earshot/v2/d1/status',
      'shop/earshot/v1/d1/clip/c1/chunk/01',
      'shop/earshot/v1/$x/status',
    ]) {
      assert.equal(topics.parse(bad), undefined, bad);
    }
    assert.throws(() => new Topics('a/b/c'));
    assert.throws(() => new Topics('$aws'));
  });
});

describe('message decoders', () => {
  it('say what is wrong and where', () => {
    assert.throws(
      () => decoders.clipFin.decode('{'),
      (e: unknown) => e instanceof MessageError && /malformed JSON/.test(e.message),
    );
    assert.throws(
      () => decoders.remoteConfig.decode('{"version":1,"clips":{"buttons":99}}'),
      (e: unknown) => e instanceof MessageError && /\/clips\/buttons/.test(e.message),
    );
    assert.deepEqual(
      decoders.configState.decode('{"version":2,"status":"applied","at":"2026-01-01T00:00:00Z"}').status,
      'applied',
    );
  });

  it('accept a heartbeat of an older device without buttons, last press or clock offset', () => {
    const old = {
      at: '2026-01-01T00:00:00Z',
      version: '0.1.0',
      uptimeSeconds: 5,
      mic: { state: 'ok' },
      outbox: { clips: 0, bytes: 0, quotaBytes: 1, refused: 0, full: false },
      disk: { freeBytes: null },
      clock: { synchronized: null },
      configVersion: null,
    };
    assert.equal(decoders.deviceHeartbeat.decode(JSON.stringify(old)).buttons, undefined);
    const current = {
      ...old,
      clock: { synchronized: true, offsetMs: -1.5 },
      buttons: [{ input: 'gpio', button: 2, condition: 'stuck' }],
      lastPressAt: null,
    };
    assert.deepEqual(decoders.deviceHeartbeat.decode(JSON.stringify(current)).buttons, current.buttons);
    assert.throws(
      () => decoders.deviceHeartbeat.decode(JSON.stringify({ ...current, buttons: [{ input: 'x', button: 0 }] })),
      (e: unknown) => e instanceof MessageError && /\/buttons\/0/.test(e.message),
    );
  });

  // A newer device meets an older server: what the server does not know yet must not cost the
  // device its heartbeat, while what the server knows is still checked.
  it('accept and drop the unknown fields of a heartbeat from a newer device, and still refuse malformed known ones', () => {
    const newer = {
      at: '2026-01-01T00:00:00Z',
      version: '9.0.0',
      uptimeSeconds: 5,
      mic: { state: 'ok', noiseFloorDbfs: -70 },
      outbox: { clips: 0, bytes: 0, quotaBytes: 1, refused: 0, full: false },
      disk: { freeBytes: null },
      clock: { synchronized: null },
      configVersion: null,
      clips: { preSeconds: 60, postSeconds: 5, buttons: 3, format: 'opus' },
      battery: { percent: 80 },
    };
    const heard = decoders.deviceHeartbeat.decode(JSON.stringify(newer));
    assert.equal('battery' in heard, false);
    assert.deepEqual(heard.mic, { state: 'ok' });
    assert.deepEqual(heard.clips, { preSeconds: 60, postSeconds: 5, buttons: 3 });
    assert.throws(
      () => decoders.deviceHeartbeat.decode(JSON.stringify({ ...newer, mic: { state: 'loud' } })),
      (e: unknown) => e instanceof MessageError && /device heartbeat: \/mic\/state/.test(e.message),
    );
    assert.throws(
      () => decoders.deviceHeartbeat.decode(JSON.stringify({ ...newer, uptimeSeconds: undefined })),
      (e: unknown) => e instanceof MessageError && /uptimeSeconds/.test(e.message),
    );
    assert.equal(decoders.deviceStatus.decode('{"state":"online","since":"2026-01-01T00:00:00Z"}').state, 'online');
  });

  it('refuse unknown fields where ignoring them would mislead: a setting the device cannot apply, a clip it cannot describe', () => {
    assert.throws(
      () => decoders.remoteConfig.decode('{"version":2,"clips":{"preSeconds":10,"gain":3}}'),
      (e: unknown) => e instanceof MessageError && /remote config/.test(e.message),
    );
    assert.throws(
      () => decoders.clipFin.decode(JSON.stringify({ size: 1, sha256: '0'.repeat(64), parts: 2 })),
      (e: unknown) => e instanceof MessageError,
    );
  });
});
