import type { CheckResult } from './check.js';

/**
 * The report for a technician: one line per check (status, name, what was found), and under
 * each warning or failure what to do, then a count.
 */
export function renderTable(results: CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.check.length));
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.status.toUpperCase().padEnd(4)}  ${result.check.padEnd(width)}  ${result.summary}`);
    if (result.action && (result.status === 'fail' || result.status === 'warn')) {
      lines.push(`${' '.repeat(6 + width)}  → ${result.action}`);
    }
  }
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  lines.push(
    '',
    `${count('pass')} passed, ${count('warn')} warning(s), ${count('fail')} failed, ${count('skip')} skipped`,
  );
  return `${lines.join('\n')}\n`;
}
