import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@earshot/shared/log';
import type { ClipMeta } from '@earshot/shared/protocol';
import { syncDir, writeDurably } from '../storage/durable-write.js';

/** A clip waiting for the server's "complete". */
export interface OutboxEntry {
  meta: ClipMeta;
  size: number;
  sha256: string;
  audioPath: string;
}

const AUDIO = '.audio';
const META = '.json';

export interface OutboxOptions {
  /** Bytes of clips (audio and metadata) the outbox may hold; unlimited when absent. */
  quotaBytes?: number | undefined;
}

/** A new clip did not fit in the quota: it was refused and a tombstone records it. */
export class OutboxFullError extends Error {
  override name = 'OutboxFullError';
}

/** What the outbox holds now, for status and heartbeats. */
export interface OutboxUsage {
  clips: number;
  bytes: number;
  quotaBytes: number;
  /** Clips refused for lack of quota since the outbox was opened. */
  refused: number;
  /** The last put was refused and nothing has been delivered since. */
  full: boolean;
}

/**
 * Clips on the device's disk until the server confirms it has them. Each clip is two files: the
 * audio, then its metadata; both are written to a temporary name, fsynced and renamed, so a power
 * cut leaves either nothing or a whole file. The metadata file is written last and is what makes
 * an entry exist. Nothing is deleted except on the server's "complete"; a clip the server rejects
 * is moved aside to `rejected/` with the reason, not dropped.
 *
 * Quota policy, "keep the oldest": clips already in the outbox were promised to the server, so a
 * full outbox never deletes one; a new clip that does not fit is refused: `put` throws
 * OutboxFullError, the refusal is logged as an error, a tombstone (the clip's metadata, no
 * audio) is written to `refused/`, and `usage().full` raises the alarm until a delivery frees
 * space.
 */
export class Outbox {
  private readonly rejectedDir: string;
  private readonly refusedDir: string;
  private readonly quotaBytes: number;
  private readonly sizes = new Map<string, number>();
  private refused = 0;
  private full = false;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
    options: OutboxOptions = {},
  ) {
    this.rejectedDir = join(dir, 'rejected');
    this.refusedDir = join(dir, 'refused');
    this.quotaBytes = options.quotaBytes ?? Number.MAX_SAFE_INTEGER;
  }

  /**
   * What waits in an outbox directory, read without opening it (which would tidy the directory
   * under a running daemon): clips and their bytes, temporary files left out.
   */
  static async survey(dir: string): Promise<{ clips: number; bytes: number }> {
    const clips = new Set<string>();
    let bytes = 0;
    for (const name of await readdir(dir)) {
      if (!name.endsWith(AUDIO) && !name.endsWith(META)) continue;
      clips.add(name.slice(0, name.lastIndexOf('.')));
      bytes += (await stat(join(dir, name)).catch(() => ({ size: 0 }))).size;
    }
    return { clips: clips.size, bytes };
  }

  async open(): Promise<void> {
    await mkdir(this.rejectedDir, { recursive: true });
    await mkdir(this.refusedDir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      if (name.endsWith('.tmp')) await rm(join(this.dir, name), { force: true });
    }
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith(AUDIO) && !name.endsWith(META)) continue;
      const clipId = name.slice(0, name.lastIndexOf('.'));
      const { size } = await stat(join(this.dir, name));
      this.sizes.set(clipId, (this.sizes.get(clipId) ?? 0) + size);
    }
  }

  async put(meta: ClipMeta, audio: Buffer): Promise<OutboxEntry> {
    const sha256 = createHash('sha256').update(audio).digest('hex');
    const audioPath = join(this.dir, meta.clipId + AUDIO);
    const entry: OutboxEntry = { meta, size: audio.length, sha256, audioPath };
    const metaBytes = Buffer.from(JSON.stringify(entry));
    const needed = audio.length + metaBytes.length;
    const used = this.usedBytes();
    if (used + needed > this.quotaBytes) {
      this.refused++;
      this.full = true;
      await writeDurably(
        join(this.refusedDir, meta.clipId + META),
        Buffer.from(JSON.stringify({ ...entry, audioPath: null })),
      );
      this.logger.error(
        { clipId: meta.clipId, bytes: needed, usedBytes: used, quotaBytes: this.quotaBytes, refused: this.refused },
        'OUTBOX FULL: new clip refused (policy: keep the oldest); tombstone written to refused/',
      );
      throw new OutboxFullError(`outbox full: ${used} of ${this.quotaBytes} bytes used, clip needs ${needed}`);
    }
    await writeDurably(audioPath, audio);
    await writeDurably(join(this.dir, meta.clipId + META), metaBytes);
    await syncDir(this.dir);
    this.sizes.set(meta.clipId, needed);
    return entry;
  }

  usage(): OutboxUsage {
    return {
      clips: this.sizes.size,
      bytes: this.usedBytes(),
      quotaBytes: this.quotaBytes,
      refused: this.refused,
      full: this.full,
    };
  }

  private usedBytes(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  private forget(clipId: string): void {
    this.sizes.delete(clipId);
    if (this.full) {
      this.full = false;
      this.logger.warn({ usedBytes: this.usedBytes(), quotaBytes: this.quotaBytes }, 'outbox has room again');
    }
  }

  /** Entries oldest first (clip ids are ULIDs, which sort by creation time). */
  async list(): Promise<OutboxEntry[]> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith(META)).sort();
    const entries: OutboxEntry[] = [];
    for (const name of names) {
      try {
        entries.push(JSON.parse(await readFile(join(this.dir, name), 'utf8')) as OutboxEntry);
      } catch (error) {
        this.logger.error({ file: name, err: error }, 'unreadable outbox entry left in place');
      }
    }
    return entries;
  }

  async readAudio(entry: OutboxEntry): Promise<Buffer> {
    return readFile(entry.audioPath);
  }

  /** The server has the clip: forget it. */
  async remove(clipId: string): Promise<void> {
    await rm(join(this.dir, clipId + META), { force: true });
    await rm(join(this.dir, clipId + AUDIO), { force: true });
    this.forget(clipId);
  }

  /** The server refused the clip: keep it aside, with the reason, for a technician. */
  async reject(clipId: string, reason: string): Promise<void> {
    await writeFile(join(this.rejectedDir, `${clipId}.reason.txt`), `${reason}\n`);
    await rename(join(this.dir, clipId + AUDIO), join(this.rejectedDir, clipId + AUDIO)).catch(() => undefined);
    await rename(join(this.dir, clipId + META), join(this.rejectedDir, clipId + META));
    this.forget(clipId);
  }
}
