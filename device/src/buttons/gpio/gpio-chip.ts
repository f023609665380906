import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The chips that carry a Raspberry Pi's 40-pin header, most specific first. A Pi 5's header is
 * on the RP1 south bridge; its SoC's own pinctrl (bcm2712) is not the header.
 */
const HEADER_LABELS = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'];

export interface SysfsChip {
  label: string;
  base: number;
  ngpio: number;
}

export class GpioUnavailableError extends Error {
  override name = 'GpioUnavailableError';
}

/** The gpiochip entries under a sysfs GPIO root (e.g. /sys/class/gpio), or undefined if there is none. */
export async function readSysfsChips(root: string): Promise<SysfsChip[] | undefined> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const chips: SysfsChip[] = [];
  for (const name of names.filter((n) => n.startsWith('gpiochip')).sort()) {
    const read = async (file: string) => (await readFile(join(root, name, file), 'utf8')).trim();
    chips.push({ label: await read('label'), base: Number(await read('base')), ngpio: Number(await read('ngpio')) });
  }
  return chips;
}

/**
 * The sysfs number of BCM pin `pin`. Since kernel 6.6 (Raspberry Pi OS Bookworm) the header chip
 * no longer starts at 0 (512 on a Pi 4, 571 on a Pi 5), so BCM 17 must be exported as base + 17.
 */
export function headerChip(chips: SysfsChip[]): SysfsChip {
  for (const label of HEADER_LABELS) {
    const chip = chips.find((c) => c.label === label);
    if (chip) return chip;
  }
  const seen = chips.map((c) => `${c.label}@${c.base}`).join(', ') || 'none';
  throw new GpioUnavailableError(
    `no Raspberry Pi header GPIO chip (${HEADER_LABELS.join(', ')}) in sysfs; chips seen: ${seen}`,
  );
}

export function sysfsNumber(chip: SysfsChip, pin: number): number {
  if (!Number.isInteger(pin) || pin < 0 || pin >= chip.ngpio) {
    throw new GpioUnavailableError(`BCM pin ${pin} is not on ${chip.label} (it has ${chip.ngpio} lines)`);
  }
  return chip.base + pin;
}

/** Picks the header chip from `gpiodetect` output ("gpiochip0 [pinctrl-bcm2711] (58 lines)"). */
export function headerChipFromGpiodetect(output: string): string {
  const found = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^(gpiochip\d+) \[([^\]]*)\]/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) found.set(match[2], match[1]);
  }
  for (const label of HEADER_LABELS) {
    const chip = found.get(label);
    if (chip) return chip;
  }
  throw new GpioUnavailableError(
    `gpiodetect lists no Raspberry Pi header chip (${HEADER_LABELS.join(', ')}); it lists: ${[...found.keys()].join(', ') || 'nothing'}`,
  );
}
