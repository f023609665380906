import type { MachineAnswer } from './answer.js';

/**
 * What the machine's reading came to, in one word a console can say in any language (the
 * `reason` beside it is the server's English detail): `read` a value; `text` an open answer's
 * words; `unsure` a value heard but not surely enough to stand; `contradictory` readings that
 * disagree; `no-value` no value heard at all.
 */
export type MachineOutcome = 'read' | 'text' | 'unsure' | 'contradictory' | 'no-value';

export const MACHINE_OUTCOMES: readonly MachineOutcome[] = ['read', 'text', 'unsure', 'contradictory', 'no-value'];

export function machineOutcome(machine: Pick<MachineAnswer, 'form' | 'value' | 'readings'>): MachineOutcome {
  if (machine.form === 'text') return 'text';
  if (machine.value !== null) return 'read';
  const heard = new Set(machine.readings.map((r) => r.value).filter((v) => v !== null));
  if (heard.size > 1) return 'contradictory';
  return heard.size === 1 ? 'unsure' : 'no-value';
}
