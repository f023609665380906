import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { instantProblem } from '../time/strict-time.js';

/** When the recording started, and when which button was pressed. */
export interface PressLog {
  recordingStart: Date;
  presses: { at: Date; button: number }[];
}

export class PressLogError extends Error {
  override name = 'PressLogError';
}

const Time = Type.Union([Type.String({ minLength: 1 }), Type.Number({ minimum: 0 })]);
const JsonLog = Type.Object(
  {
    recordingStart: Type.String({ minLength: 1 }),
    presses: Type.Array(
      Type.Object({ at: Time, button: Type.Integer({ minimum: 1, maximum: 64 }) }, { additionalProperties: false }),
      { maxItems: 100_000 },
    ),
  },
  { additionalProperties: false },
);
const checkJsonLog = TypeCompiler.Compile(JsonLog);

/**
 * Reads a press log, JSON or CSV. A press time is an ISO-8601 instant or seconds from the start
 * of the recording.
 *
 * JSON: `{"recordingStart": "2026-03-01T09:00:00+03:00", "presses": [{"at": 754.2, "button": 1}]}`
 *
 * CSV: a `recording_start,<ISO instant>` row, then `time,button` rows (a header row and `#`
 * comments are skipped).
 */
export function parsePressLog(text: string): PressLog {
  const trimmed = text.trim();
  return trimmed.startsWith('{') ? parseJson(trimmed) : parseCsv(trimmed);
}

function parseJson(text: string): PressLog {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PressLogError(`press log: malformed JSON (${(error as Error).message})`);
  }
  if (!checkJsonLog.Check(value)) {
    const first = checkJsonLog.Errors(value).First();
    throw new PressLogError(`press log: ${first ? `${first.path || '/'}: ${first.message}` : 'invalid'}`);
  }
  const log: Static<typeof JsonLog> = value;
  const recordingStart = instant(log.recordingStart, '/recordingStart');
  return {
    recordingStart,
    presses: log.presses.map((p, i) => ({ at: pressTime(p.at, recordingStart, `/presses/${i}/at`), button: p.button })),
  };
}

function parseCsv(text: string): PressLog {
  let recordingStart: Date | undefined;
  const rows: { line: number; time: string; button: string }[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    if (cells.length !== 2)
      throw new PressLogError(`press log line ${index + 1}: expected 2 columns, got ${cells.length}`);
    const [first, second] = cells as [string, string];
    if (first.toLowerCase() === 'recording_start') recordingStart = instant(second, `line ${index + 1}`);
    else if (first.toLowerCase() === 'time' && second.toLowerCase() === 'button') continue;
    else rows.push({ line: index + 1, time: first, button: second });
  }
  if (!recordingStart) throw new PressLogError('press log: no recording_start row (recording_start,<ISO instant>)');
  const start = recordingStart;
  return {
    recordingStart: start,
    presses: rows.map(({ line, time, button }) => {
      if (!/^\d{1,2}$/.test(button) || Number(button) < 1 || Number(button) > 64) {
        throw new PressLogError(`press log line ${line}: button must be 1..64, got ${JSON.stringify(button)}`);
      }
      const at = /^\d+(\.\d+)?$/.test(time) ? Number(time) : time;
      return { at: pressTime(at, start, `line ${line}`), button: Number(button) };
    }),
  };
}

function pressTime(at: string | number, start: Date, where: string): Date {
  if (typeof at === 'string') return instant(at, where);
  if (!Number.isFinite(at) || at > MAX_OFFSET_S) {
    throw new PressLogError(`press log ${where}: ${at} s is past any recording (at most ${MAX_OFFSET_S} s)`);
  }
  return new Date(start.getTime() + Math.round(at * 1000));
}

/** Seconds from the start a press may be given at: a year, far past any recording one uploads. */
const MAX_OFFSET_S = 366 * 86_400;

function instant(text: string, where: string): Date {
  const problem = instantProblem(text);
  if (problem) throw new PressLogError(`press log ${where}: ${JSON.stringify(text)}: ${problem}`);
  return new Date(text);
}
