import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A Raspberry Pi boot partition: a mounted directory, or a FAT image file (a partition image,
 * e.g. made with `mkfs.vfat -C`) written with mtools, so no mount and no root are needed.
 */
export interface BootPartition {
  readonly where: string;
  read(name: string): Promise<string | undefined>;
  write(name: string, content: string): Promise<void>;
}

export async function openBootPartition(path: string): Promise<BootPartition> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error(`--boot: ${path} does not exist (give a mounted boot partition or a FAT image file)`);
  return info.isDirectory() ? directoryPartition(path) : fatImage(path);
}

function directoryPartition(dir: string): BootPartition {
  return {
    where: dir,
    read: (name) =>
      readFile(join(dir, name), 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      }),
    write: (name, content) => writeFile(join(dir, name), content),
  };
}

function fatImage(image: string): BootPartition {
  const mtools = async (command: string, args: string[]) => {
    try {
      return (await run(command, ['-i', image, ...args], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } })).stdout;
    } catch (error) {
      const { code, stderr } = error as { code?: string; stderr?: string };
      if (code === 'ENOENT') throw new Error(`${command} not found: install Debian's mtools`, { cause: error });
      throw new Error(`${command} on ${image}: ${stderr?.trim() || (error as Error).message}`, { cause: error });
    }
  };
  return {
    where: image,
    async read(name) {
      const listing = await mtools('mdir', ['-b', '::/']);
      if (!listing.split('\n').some((line) => line.trim().toLowerCase() === `::/${name}`.toLowerCase()))
        return undefined;
      return mtools('mtype', [`::/${name}`]);
    },
    async write(name, content) {
      const dir = await mkdtemp(join(tmpdir(), 'earshot-boot-'));
      try {
        await writeFile(join(dir, name), content);
        await mtools('mcopy', ['-o', join(dir, name), `::/${name}`]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
