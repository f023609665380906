import { parseArgs } from 'node:util';
import { databaseUrl, loadServerConfig } from '../config/server-config.js';
import { openDatabase } from '../db/database.js';
import { ApiTokens } from './api-tokens.js';
import { ROLES, type Role } from './roles.js';
import { UserError, Users } from './users.js';

export const ACCESS_USAGE = `  earshot-server users add NAME --role admin|technician|manager [--stores a,b] [--config FILE]
                                   create or update a user; prints a generated password once
  earshot-server users reset-password NAME [--stdin] [--config FILE]
                                   a new password: generated and printed once, or (--stdin) the
                                   first line of stdin, which must pass the password policy;
                                   the user's sessions and API tokens end
  earshot-server users list [--config FILE]
  earshot-server users disable NAME [--config FILE]
  earshot-server users enable NAME [--config FILE]
  earshot-server tokens create NAME [--name LABEL] [--days 90] [--config FILE]
                                   an API token for user NAME; printed once`;

/**
 * `earshot-server users …` and `earshot-server tokens …`: access administration against the
 * configured database without a running server. This is how the first admin comes to exist.
 * Secrets go to stdout alone, so that a script can capture them; nothing else does.
 */
export async function accessCli(command: 'users' | 'tokens', argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      role: { type: 'string' },
      stores: { type: 'string' },
      name: { type: 'string' },
      days: { type: 'string', default: '90' },
      stdin: { type: 'boolean', default: false },
    },
  });
  const [action, username] = positionals;
  const usage = (problem: string) => {
    process.stderr.write(`earshot-server ${command}: ${problem}\n\nUsage:\n${ACCESS_USAGE}\n`);
    return 64;
  };
  const config = loadServerConfig({ file: values.config });
  const db = await openDatabase(databaseUrl(config));
  try {
    const users = new Users(db);
    if (command === 'users' && action === 'list') {
      for (const user of await users.list()) {
        const stores = user.role === 'manager' ? ` stores=${user.stores.join(',') || '(none)'}` : '';
        process.stdout.write(`${user.username} ${user.role}${stores}${user.disabled ? ' disabled' : ''}\n`);
      }
      return 0;
    }
    if (username === undefined) return usage('name the user');
    if (command === 'users' && action === 'add') {
      if (!ROLES.includes(values.role as Role)) return usage(`--role must be one of ${ROLES.join(', ')}`);
      const stores = values.stores?.split(',').filter((s) => s.length > 0);
      const result = await users.upsert({
        username,
        role: values.role as Role,
        ...(stores ? { stores } : {}),
        ...((await users.byUsername(username)) ? {} : { generatePassword: true }),
      });
      process.stderr.write(`${result.user.username}: ${result.user.role}${stores ? ` of ${stores.join(', ')}` : ''}\n`);
      if (result.generatedPassword) process.stdout.write(`${result.generatedPassword}\n`);
      return 0;
    }
    if (command === 'users' && action === 'reset-password') {
      const user = await users.byUsername(username);
      if (!user) return usage(`no user ${username}`);
      const chosen = values.stdin ? await firstLine(process.stdin) : undefined;
      const result = await users.upsert({
        username,
        role: user.role,
        ...(chosen === undefined ? { generatePassword: true } : { password: chosen }),
      });
      process.stderr.write(`${username}: password reset; their sessions and API tokens ended\n`);
      if (result.generatedPassword) process.stdout.write(`${result.generatedPassword}\n`);
      return 0;
    }
    if (command === 'users' && action === 'disable') {
      if (!(await users.disable(username))) return usage(`no active user ${username}`);
      return 0;
    }
    if (command === 'users' && action === 'enable') {
      if (!(await users.enable(username))) return usage(`no disabled user ${username}`);
      process.stderr.write(`${username}: enabled\n`);
      return 0;
    }
    if (command === 'tokens' && action === 'create') {
      const user = await users.byUsername(username);
      if (!user || user.disabled) return usage(`no active user ${username}`);
      const days = Number(values.days);
      if (!Number.isInteger(days) || days < 1 || days > 366)
        return usage('--days must be a whole number from 1 to 366');
      const { token, record } = await new ApiTokens(db).create(user.id, values.name ?? 'cli', days);
      process.stderr.write(`token ${record.id} for ${username}, expires ${record.expiresAt}\n`);
      process.stdout.write(`${token}\n`);
      return 0;
    }
    return usage(`unknown action "${action ?? ''}"`);
  } catch (error) {
    if (error instanceof UserError) return usage(error.message);
    throw error;
  } finally {
    await db.destroy();
  }
}

/** The first line of a stream (a password piped in), without its line end. */
async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}
