import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '@earshot/shared/cli';
import { openBootPartition } from './boot-partition.js';

/**
 * What provisioning checks before it registers anything on the server: once registered, a device
 * has a live claim token, and a run that then failed on a missing folder left both behind a stack
 * trace. Every check here throws a UsageError that names the option and what is wrong.
 */
export async function checkConfigOut(file: string): Promise<void> {
  const folder = dirname(resolve(file));
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`--config-out: folder ${folder} does not exist; create it first`);
  if (!(await writable(folder))) throw new UsageError(`--config-out: folder ${folder} is not writable by this user`);
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`--config-out: ${file} is a folder; give a file name`);
  if (existing && !(await writable(file))) throw new UsageError(`--config-out: ${file} is not writable by this user`);
}

/**
 * The boot target exists and can be written; for firstrun.sh it must also hold the `cmdline.txt`
 * that will be edited.
 */
export async function checkBootTarget(path: string, style: 'cloud-init' | 'firstrun'): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`--boot: ${path} does not exist (give a mounted boot partition or a FAT image file)`);
  if (!(await writable(path))) throw new UsageError(`--boot: ${path} is not writable by this user`);
  if (style === 'firstrun') {
    let cmdline: string | undefined;
    try {
      cmdline = await (await openBootPartition(path)).read('cmdline.txt');
    } catch (error) {
      throw new UsageError(`--boot: cannot read ${path}: ${(error as Error).message}`);
    }
    if (cmdline === undefined) {
      throw new UsageError(`--boot: no cmdline.txt in ${path}: is this a Raspberry Pi OS boot partition?`);
    }
  }
}

/**
 * Loud warnings about a `--server` the Pi should not be given: plain HTTP carries the claim
 * token and the device's password readable on the network; a loopback address is this machine,
 * which the Pi cannot reach. A URL that does not parse is refused.
 */
export function serverWarnings(server: string): string[] {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server: "${server}" is not a URL (e.g. https://earshot.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--server: "${server}" must be an http:// or https:// URL`);
  }
  const warnings: string[] = [];
  if (url.protocol === 'http:') {
    warnings.push(
      `WARNING: --server ${server} is plain HTTP: the claim token and the device's MQTT password cross the network unencrypted. Use https:// outside a lab.`,
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1') {
    warnings.push(
      `WARNING: --server ${server} is a loopback address: the Pi will look for the server on itself. Give an address the Pi can reach.`,
    );
  }
  return warnings;
}

async function writable(path: string): Promise<boolean> {
  return access(path, constants.W_OK).then(
    () => true,
    () => false,
  );
}
