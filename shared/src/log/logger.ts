import { type LevelWithSilent, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values must never reach a log line, wherever they sit in a logged object. */
const SECRET_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

export interface LoggerOptions {
  name: string;
  level?: LevelWithSilent;
  /** Where lines go; defaults to stdout (the journal under systemd). */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: SECRET_PATHS, censor: '[redacted]' },
    },
    options.destination ?? process.stdout,
  );
}
