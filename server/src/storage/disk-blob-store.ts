import { createReadStream } from 'node:fs';
import { ensureWritableDir } from '@earshot/shared/cli';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { assertSafeKey, type BlobStore, type ByteRange } from './blob-store.js';

/** Blobs as files under one directory, written atomically (temporary file, fsync, rename). */
export class DiskBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  check(): Promise<void> {
    return ensureWritableDir('the clip folder', this.root, 'storage.dir (or dataDir)');
  }

  async put(key: string, data: Buffer): Promise<void> {
    const path = this.pathOf(key);
    const temporary = `${path}.${process.pid}.tmp`;
    // The directory usually exists (a day's folder): create it only when the open says so.
    const file = await open(temporary, 'w').catch(async (error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(dirname(path), { recursive: true });
      return open(temporary, 'w');
    });
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
    const dir = await open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    const stream = createReadStream(path, range ? { start: range.start, end: range.end } : {});
    // Surface a missing file as a rejected promise rather than a late stream error.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return stream;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** Files are served by the API only. */
  async directUrl(): Promise<undefined> {
    return undefined;
  }

  private pathOf(key: string): string {
    assertSafeKey(key);
    return join(this.root, key);
  }
}
