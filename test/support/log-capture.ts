import { Writable } from 'node:stream';
// pino itself, not @earshot/shared/log: the test kit builds before the packages it serves.
import { type Logger, pino } from 'pino';

export interface CapturedLog {
  logger: Logger;
  /** Every line logged so far, parsed. */
  lines(): Record<string, unknown>[];
  /** Lines whose `msg` is `msg`. */
  withMessage(msg: string): Record<string, unknown>[];
}

/** A real pino logger whose lines the test can read back. */
export function captureLog(name = 'test'): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ name, level: 'debug' }, destination);
  return { logger, lines: () => lines, withMessage: (msg) => lines.filter((line) => line['msg'] === msg) };
}
