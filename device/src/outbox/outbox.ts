import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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

/**
 * Clips on the device's disk until the server confirms it has them. Each clip is two files: the
 * audio, then its metadata; both are written to a temporary name, fsynced and renamed, so a power
 * cut leaves either nothing or a whole file. The metadata file is written last and is what makes
 * an entry exist. Nothing is deleted except on the server's "complete"; a clip the server rejects
 * is moved aside to `rejected/` with the reason, not dropped.
 */
export class Outbox {
  private readonly rejectedDir: string;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {
    this.rejectedDir = join(dir, 'rejected');
  }

  async open(): Promise<void> {
    await mkdir(this.rejectedDir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      if (name.endsWith('.tmp')) await rm(join(this.dir, name), { force: true });
    }
  }

  async put(meta: ClipMeta, audio: Buffer): Promise<OutboxEntry> {
    const sha256 = createHash('sha256').update(audio).digest('hex');
    const audioPath = join(this.dir, meta.clipId + AUDIO);
    await writeDurably(audioPath, audio);
    const entry: OutboxEntry = { meta, size: audio.length, sha256, audioPath };
    await writeDurably(join(this.dir, meta.clipId + META), Buffer.from(JSON.stringify(entry)));
    await syncDir(this.dir);
    return entry;
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
  }

  /** The server refused the clip: keep it aside, with the reason, for a technician. */
  async reject(clipId: string, reason: string): Promise<void> {
    await writeFile(join(this.rejectedDir, `${clipId}.reason.txt`), `${reason}\n`);
    await rename(join(this.dir, clipId + AUDIO), join(this.rejectedDir, clipId + AUDIO)).catch(() => undefined);
    await rename(join(this.dir, clipId + META), join(this.rejectedDir, clipId + META));
  }
}
