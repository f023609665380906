import { dirname } from 'node:path';
import {
  EX_CONFIG,
  EX_DATAERR,
  EX_NOPERM,
  EX_UNAVAILABLE,
  explainWriteError,
  StartupFailure,
} from '@earshot/shared/cli';

/** Raised by the migrator: the database is there but its tables cannot be brought up to date. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

/**
 * A database that could not be opened or migrated, explained in one line with the fix; errors
 * that are not about opening (a bug) are returned as they are. `where` is the URL with its
 * password already hidden.
 */
export function explainDatabaseError(url: string, where: string, error: unknown): unknown {
  const code = (error as { code?: string } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof MigrationError) {
    return new StartupFailure(
      `${message} in ${where} (is it another program's database, or one of a newer Earshot? restore a backup or set database.url)`,
      EX_DATAERR,
      { cause: error },
    );
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      return new StartupFailure(
        `database ${path} is not an SQLite database Earshot can read (${code}): restore a backup or set database.url`,
        EX_DATAERR,
        { cause: error },
      );
    }
    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') {
      return explainWriteError('the database folder', dirname(path), 'dataDir (or database.url)', {
        code: 'EACCES',
      });
    }
    return explainWriteError('the database folder', dirname(path), 'dataDir (or database.url)', error);
  }
  if (code !== undefined && UNREACHABLE.has(code)) {
    return new StartupFailure(
      `database ${where} is unreachable (${code}): is PostgreSQL running there? check database.url`,
      EX_UNAVAILABLE,
      { cause: error },
    );
  }
  // PostgreSQL's SQLSTATE: 28xxx a refused login, 3D000 no such database.
  if (code === '28P01' || code === '28000') {
    return new StartupFailure(`database ${where} refused the login: ${message} (check database.url)`, EX_NOPERM, {
      cause: error,
    });
  }
  if (code === '3D000') {
    return new StartupFailure(`database ${where}: ${message} (create it, or fix database.url)`, EX_CONFIG, {
      cause: error,
    });
  }
  return error;
}
