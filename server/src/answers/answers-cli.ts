import { parseArgs } from 'node:util';
import { EX_USAGE } from '@earshot/shared/cli';
import { databaseUrl, loadServerConfig } from '../config/server-config.js';
import { openDatabase } from '../db/database.js';
import { rereadAnswers } from './reread-answers.js';

export const ANSWERS_USAGE = `  earshot-server answers reread [--question ID] [--store ID] [--config FILE]
                                   read the answers of stored transcripts again (a person's answer stays)`;

/**
 * `earshot-server answers reread`: re-reads answers against the configured database, without a
 * running server and without transcribing again. Progress goes to stderr, the counts (JSON) to
 * stdout.
 */
export async function answersCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      question: { type: 'string' },
      store: { type: 'string' },
    },
  });
  if (positionals.length !== 1 || positionals[0] !== 'reread') {
    process.stderr.write(`earshot-server answers: expected "reread"\n\nUsage:\n${ANSWERS_USAGE}\n`);
    return EX_USAGE;
  }
  const config = loadServerConfig({ file: values.config });
  const db = await openDatabase(databaseUrl(config));
  try {
    const counts = await rereadAnswers(db, {
      ...(values.question ? { questionId: values.question } : {}),
      ...(values.store ? { storeId: values.store } : {}),
      onProgress: (c, total) =>
        process.stderr.write(`${c.read}/${total} read, ${c.changed} changed, ${c.unchanged} unchanged\n`),
    });
    process.stdout.write(`${JSON.stringify(counts)}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}
