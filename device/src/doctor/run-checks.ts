import type { Check, CheckResult, DoctorContext } from './check.js';

/** Runs the checks one after another (they share the hardware), a thrown error becoming a fail. */
export async function runChecks(checks: Check[], context: DoctorContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    context.technician.say(`checking ${check.name}…`);
    try {
      results.push(await check.run(context));
    } catch (error) {
      results.push({
        check: check.name,
        status: 'fail',
        summary: `the check itself failed: ${(error as Error).message}`,
        action: 'report this with the output of earshot-device doctor --json',
      });
    }
  }
  return results;
}

/** Non-zero when any check failed: warnings leave a working device. */
export function exitCodeFor(results: CheckResult[]): number {
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
