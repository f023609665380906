import { type FileHandle, mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@earshot/shared/log';
import type { ClipMeta } from '@earshot/shared/protocol';
import { syncDir, writeDurably } from '../storage/durable-write.js';

const PCM = '.pcm';
const META = '.json';

/** A clip the journal held when the daemon last stopped, with the audio saved up to then. */
export interface UnfinishedClip {
  meta: ClipMeta;
  /** Whole frames only. */
  pcm: Buffer;
}

/**
 * Clips being recorded, on the device's disk: the pre-roll is written at the press (temporary
 * name, fsync, rename, then the metadata the same way, then the directory), and the post-roll is
 * appended as it arrives, flushed to the disk at most `syncIntervalMs` apart. A crash or power cut
 * during the post-roll therefore loses at most that much of it; on restart `unfinished()` returns
 * what was saved. The metadata file is written after the audio and is what makes an entry exist.
 */
export class ClipJournal {
  constructor(
    private readonly dir: string,
    private readonly frameBytes: number,
    private readonly syncIntervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** Files present at open: the previous run's. Clips begun since are not unfinished. */
  private leftover: string[] = [];

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      if (name.endsWith('.tmp')) await rm(join(this.dir, name), { force: true });
    }
    this.leftover = (await readdir(this.dir)).sort();
  }

  /** Starts saving a clip; disk work happens in the background, in order. */
  begin(meta: ClipMeta, preRoll: Buffer): JournalEntry {
    return new JournalEntry(this.dir, meta, preRoll, this.syncIntervalMs, this.logger);
  }

  /** Clips left by the previous run (oldest first); audio without metadata is an aborted begin. */
  async unfinished(): Promise<UnfinishedClip[]> {
    const names = this.leftover;
    this.leftover = [];
    const clips: UnfinishedClip[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      if (name.endsWith(PCM) && !names.includes(name.slice(0, -PCM.length) + META)) {
        await rm(path, { force: true });
        continue;
      }
      if (!name.endsWith(META)) continue;
      try {
        const meta = JSON.parse(await readFile(path, 'utf8')) as ClipMeta;
        const pcm = await readFile(join(this.dir, meta.clipId + PCM));
        clips.push({ meta, pcm: pcm.subarray(0, pcm.length - (pcm.length % this.frameBytes)) });
      } catch (error) {
        this.logger.error({ file: name, err: error }, 'unreadable unfinished clip left in place');
      }
    }
    return clips;
  }

  async remove(clipId: string): Promise<void> {
    await rm(join(this.dir, clipId + META), { force: true });
    await rm(join(this.dir, clipId + PCM), { force: true });
  }
}

/**
 * One clip's files. Every call is queued behind the previous ones; a disk failure is logged once
 * and stops further disk work for this clip, while the clip itself carries on in memory.
 */
export class JournalEntry {
  private queue: Promise<void>;
  private handle: FileHandle | undefined;
  private lastSyncMs = 0;
  private failed = false;
  private readonly metaPath: string;
  private readonly pcmPath: string;

  constructor(
    dir: string,
    private meta: ClipMeta,
    preRoll: Buffer,
    private readonly syncIntervalMs: number,
    private readonly logger: Logger,
  ) {
    this.metaPath = join(dir, meta.clipId + META);
    this.pcmPath = join(dir, meta.clipId + PCM);
    this.queue = this.run(async () => {
      await writeDurably(this.pcmPath, preRoll);
      await writeDurably(this.metaPath, Buffer.from(JSON.stringify(meta)));
      await syncDir(dir);
      this.handle = await open(this.pcmPath, 'a');
      this.lastSyncMs = performance.now();
    });
  }

  append(pcm: Buffer): void {
    this.enqueue(async () => {
      const handle = this.handle as FileHandle;
      await handle.write(pcm);
      if (performance.now() - this.lastSyncMs >= this.syncIntervalMs) {
        await handle.datasync();
        this.lastSyncMs = performance.now();
      }
    });
  }

  /** The clip's metadata changed (a gap appeared): replace the saved copy. */
  updateMeta(meta: ClipMeta): void {
    this.meta = meta;
    this.enqueue(() => writeDurably(this.metaPath, Buffer.from(JSON.stringify(this.meta))));
  }

  /** All audio is in: flush and close. Resolves once every queued write has been done (or failed). */
  async close(): Promise<void> {
    this.enqueue(async () => {
      await this.handle?.datasync();
    });
    await this.queue;
    await this.closeHandle();
  }

  /** The clip is safe elsewhere (outbox) or void: remove its files. */
  async discard(): Promise<void> {
    await this.queue;
    await this.closeHandle();
    await rm(this.metaPath, { force: true });
    await rm(this.pcmPath, { force: true });
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(() => (this.failed ? undefined : this.run(step)));
  }

  private async run(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.failed = true;
      this.logger.error(
        { clipId: this.meta.clipId, err: error },
        'could not save clip to the journal; it continues in memory only',
      );
    }
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }
}
