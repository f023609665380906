import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { createLogger } from '@earshot/shared/log';
import { type ClipAck, type ClipMeta, Topics } from '@earshot/shared/protocol';
import type { OutboxEntry } from '../../src/outbox/outbox.js';
import { ClipSender } from '../../src/uplink/clip-sender.js';
import { Disconnected, type Publisher } from '../../src/uplink/publisher.js';

const topics = new Topics('earshot');
const CHUNK = 4096;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The broker session, faked: records every publish and lets a test drop the connection. */
class FakeLink implements Publisher {
  connected = true;
  readonly published: { topic: string; payload: Buffer }[] = [];
  private controller = new AbortController();
  /** Chunk publishes started and not yet acknowledged, and the most seen at once. */
  outstanding = 0;
  maxOutstanding = 0;
  /** Called at each publish, once recorded; may throw or answer for the server. */
  onPublish: (topic: string, payload: Buffer) => void = () => undefined;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  async publish(topic: string, payload: string | Buffer): Promise<void> {
    if (!this.connected) throw new Disconnected();
    const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
    this.published.push({ topic, payload: bytes });
    this.outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    // The PUBACK comes back on a later turn of the event loop, as from a broker.
    await new Promise((resolve) => setImmediate(resolve));
    this.outstanding--;
    if (!this.connected) throw new Disconnected();
    this.onPublish(topic, bytes);
  }

  drop(): void {
    this.connected = false;
    this.controller.abort(new Disconnected());
  }

  reconnect(): void {
    this.controller = new AbortController();
    this.connected = true;
  }

  kinds(): string[] {
    return this.published.map(({ topic }) => {
      const parsed = topics.parse(topic);
      return parsed?.kind === 'clip-chunk' ? `chunk ${parsed.offset}` : (parsed?.kind ?? topic);
    });
  }
}

/** An outbox in memory with one clip of `size` bytes. */
function fakeOutbox(size: number) {
  const audio = Buffer.alloc(size, 7);
  const meta = { clipId: '01JCLIP0000000000000000000' } as ClipMeta;
  const entry: OutboxEntry = { meta, size, sha256: createHash('sha256').update(audio).digest('hex'), audioPath: '' };
  const outbox = {
    entries: [entry],
    rejected: [] as string[],
    list: async () => [...outbox.entries],
    readAudio: async () => audio,
    remove: async (clipId: string) => {
      outbox.entries = outbox.entries.filter((e) => e.meta.clipId !== clipId);
    },
    reject: async (clipId: string, reason: string) => {
      outbox.rejected.push(reason);
      await outbox.remove(clipId);
    },
  };
  return { outbox, clipId: meta.clipId };
}

function setUp(size: number, options: { inflight?: number; ackTimeoutMs?: number; finRounds?: number } = {}) {
  const link = new FakeLink();
  const { outbox, clipId } = fakeOutbox(size);
  let delivered: (clipId: string) => void = () => undefined;
  const deliveredOnce = new Promise<string>((resolve) => (delivered = resolve));
  const sender = new ClipSender({
    deviceId: 'pi-1',
    topics,
    link,
    outbox,
    chunkBytes: CHUNK,
    inflight: options.inflight ?? 8,
    ackTimeoutMs: options.ackTimeoutMs ?? 60_000,
    finRounds: options.finRounds ?? 3,
    logger: createLogger({ name: 'test', level: 'silent' }),
    onDelivered: (id) => delivered(id),
  });
  /** The server's answers to successive fins, in order; `undefined` stays silent. */
  const answerFins = (...answers: (DistributiveOmit<ClipAck, 'clipId'> | undefined)[]) => {
    link.onPublish = (topic) => {
      if (topics.parse(topic)?.kind !== 'clip-fin') return;
      const answer = answers.shift();
      if (answer === undefined) return;
      sender.answered(topics.ack('pi-1'), Buffer.from(JSON.stringify({ clipId, ...answer })));
    };
  };
  return { link, outbox, clipId, sender, deliveredOnce, answerFins };
}

describe('clip sender', () => {
  it('sends a new clip whole (init, every chunk, fin) and removes it on "complete"', async () => {
    const { link, outbox, clipId, sender, deliveredOnce, answerFins } = setUp(10_000);
    answerFins({ status: 'complete', storageKey: 'k' });
    sender.kick(clipId);
    assert.equal(await deliveredOnce, clipId);
    assert.deepEqual(link.kinds(), ['clip-init', 'chunk 0', 'chunk 4096', 'chunk 8192', 'clip-fin']);
    const init = JSON.parse(link.published[0]?.payload.toString() ?? '') as { size: number; chunkSize: number };
    assert.deepEqual([init.size, init.chunkSize], [10_000, CHUNK]);
    assert.equal(link.published[3]?.payload.length, 10_000 - 8192, 'the last chunk ends at the clip end');
    assert.deepEqual(outbox.entries, []);
  });

  it('asks about a clip from before with a fin alone, then resends only the missing ranges, chunk-aligned', async () => {
    const { link, outbox, clipId, sender, deliveredOnce, answerFins } = setUp(20_000);
    answerFins(
      {
        status: 'incomplete',
        missing: [
          [5000, 6000],
          [12_288, 20_000],
        ],
      },
      { status: 'complete', storageKey: 'k' },
    );
    sender.kick();
    assert.equal(await deliveredOnce, clipId);
    assert.deepEqual(link.kinds(), ['clip-fin', 'clip-init', 'chunk 4096', 'chunk 12288', 'chunk 16384', 'clip-fin']);
    assert.deepEqual(outbox.entries, []);
  });

  it('moves a clip the server rejects aside with its reason, and does not report it delivered', async () => {
    const { outbox, clipId, sender, answerFins } = setUp(5000);
    let rejected: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (rejected = resolve));
    const reject = outbox.reject;
    outbox.reject = async (id, reason) => {
      await reject(id, reason);
      rejected();
    };
    answerFins({ status: 'rejected', reason: 'sha256 mismatch after 3 resends' });
    sender.kick(clipId);
    await done;
    assert.deepEqual(outbox.rejected, ['sha256 mismatch after 3 resends']);
    assert.deepEqual(outbox.entries, []);
  });

  it('on "busy" keeps the clip, offers nothing until the time the server gave, then asks again with a fin', async () => {
    const { link, outbox, clipId, sender, deliveredOnce, answerFins } = setUp(5000);
    answerFins(
      { status: 'busy', reason: 'too many unfinished transfers (32 of at most 32)', retryAfterSeconds: 1 },
      { status: 'complete', storageKey: 'k' },
    );
    sender.kick(clipId);
    assert.equal(await deliveredOnce, clipId);
    assert.deepEqual(link.kinds(), ['clip-init', 'chunk 0', 'chunk 4096', 'clip-fin', 'clip-fin']);
    assert.deepEqual(outbox.rejected, [], 'a busy server does not make the device give the clip up');
    sender.stop();
  });

  it('keeps at most `inflight` chunks awaiting their PUBACK', async () => {
    const { link, clipId, sender, deliveredOnce, answerFins } = setUp(10 * CHUNK, { inflight: 3 });
    answerFins({ status: 'complete', storageKey: 'k' });
    sender.kick(clipId);
    await deliveredOnce;
    assert.equal(link.kinds().filter((k) => k.startsWith('chunk')).length, 10);
    assert.equal(link.maxOutstanding, 3);
  });

  it('stops at a disconnection, keeps the clip, and after reconnecting asks with a fin what the server lacks', async () => {
    const { link, outbox, clipId, sender, deliveredOnce, answerFins } = setUp(10 * CHUNK, { inflight: 1 });
    let chunks = 0;
    link.onPublish = (topic) => {
      if (topics.parse(topic)?.kind === 'clip-chunk' && ++chunks === 2) link.drop();
    };
    sender.kick(clipId);
    // The drain ends: nothing more is published while disconnected.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(link.kinds().slice(-1), ['chunk 4096']);
    assert.equal(outbox.entries.length, 1, 'the clip stays in the outbox');

    link.published.length = 0;
    link.reconnect();
    answerFins({ status: 'incomplete', missing: [[2 * CHUNK, 10 * CHUNK]] }, { status: 'complete', storageKey: 'k' });
    sender.kick();
    assert.equal(await deliveredOnce, clipId);
    assert.deepEqual(link.kinds().slice(0, 3), ['clip-fin', 'clip-init', `chunk ${2 * CHUNK}`]);
    assert.equal(link.kinds().filter((k) => k.startsWith('chunk')).length, 8);
  });

  it('after `finRounds` unanswered fins, asks again once the ack timeout has passed', async () => {
    const { link, clipId, sender, deliveredOnce, answerFins } = setUp(5000, { ackTimeoutMs: 10, finRounds: 2 });
    answerFins(undefined, undefined, { status: 'complete', storageKey: 'k' });
    sender.kick(clipId);
    assert.equal(await deliveredOnce, clipId);
    assert.deepEqual(link.kinds(), ['clip-init', 'chunk 0', 'chunk 4096', 'clip-fin', 'clip-fin', 'clip-fin']);
    sender.stop();
  });
});
