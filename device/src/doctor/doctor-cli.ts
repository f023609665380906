import { parseArgs } from 'node:util';
import { UsageError } from '@earshot/shared/cli';
import { createLogger } from '@earshot/shared/log';
import { loadDeviceConfig } from '../config/device-config.js';
import { broker } from './broker.js';
import { buttons } from './buttons.js';
import { captureDevices } from './capture-devices.js';
import type { Check, Technician } from './check.js';
import { clock } from './clock.js';
import { daemonRunning } from './daemon-running.js';
import { disk } from './disk.js';
import { outboxBacklog } from './outbox-backlog.js';
import { recordingLevel } from './recording-level.js';
import { renderTable } from './result-table.js';
import { exitCodeFor, runChecks } from './run-checks.js';

export const DOCTOR_USAGE = `  earshot-device doctor [--json] [--press-seconds S] [--record-seconds S] [--config FILE]
                                           self-test: microphone, buttons, broker, clock, disk, outbox;
                                           exit 1 if a check failed`;

/** In order: the daemon first (it explains a busy device), the hardware, then the outside world. */
const CHECKS: Check[] = [daemonRunning, captureDevices, recordingLevel, buttons, broker, clock, disk, outboxBacklog];

function seconds(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 600) throw new UsageError(`${option} needs seconds (0 < S ≤ 600)`);
  return n;
}

/**
 * `earshot-device doctor`: on a terminal it talks to the technician (asks for each button in
 * turn) and prints a table; with `--json` (or without a terminal) it asks nothing, collects
 * presses for a window of time and prints the results as JSON.
 */
export async function doctorCli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      json: { type: 'boolean' },
      'press-seconds': { type: 'string' },
      'record-seconds': { type: 'string' },
    },
  });
  const config = loadDeviceConfig({ file: values.config });
  const interactive = !values.json && process.stdin.isTTY === true && process.stdout.isTTY === true;
  const technician: Technician = {
    interactive,
    // stderr in every mode: stdout is the report, and a script can still follow the progress.
    say: (line) => process.stderr.write(`${line}\n`),
  };
  const results = await runChecks(CHECKS, {
    config,
    technician,
    // The inputs' own logs would drown the report; their errors still show.
    logger: createLogger({ name: 'earshot-doctor', level: 'error', destination: process.stderr }),
    recordSeconds: seconds(values['record-seconds'], 3, '--record-seconds'),
    pressSeconds: seconds(values['press-seconds'], interactive ? 15 : 10, '--press-seconds'),
  });
  const code = exitCodeFor(results);
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ ok: code === 0, deviceId: config.deviceId, results }, null, 2)}\n`
      : renderTable(results),
  );
  return code;
}
