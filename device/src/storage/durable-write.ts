import { open, rename } from 'node:fs/promises';

/**
 * Writes a whole file so that a power cut leaves either the old state or the whole new file:
 * temporary name, fsync, rename. Follow with `syncDir` to make the rename itself durable.
 */
export async function writeDurably(path: string, data: Buffer, mode = 0o644): Promise<void> {
  const temporary = `${path}.tmp`;
  // The mode applies from creation, so a secret is never readable by others, not even briefly.
  const handle = await open(temporary, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/** Flushes a directory's entries (creations, renames) to the disk. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
