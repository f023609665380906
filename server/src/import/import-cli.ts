import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createLogger } from '@earshot/shared/log';
import { databaseUrl, loadServerConfig } from '../config/server-config.js';
import { openDatabase } from '../db/database.js';
import { ClipIngest } from '../ingest/clip-ingest.js';
import { ButtonMap } from '../questions/button-map.js';
import { openQueue } from '../queue/open-queue.js';
import { openBlobStore } from '../storage/open-blob-store.js';
import { parsePressLog } from './press-log.js';
import { RecordingImporter } from './recording-importer.js';
import { importWindowMs } from '../config/server-units.js';

export const IMPORT_USAGE = `  earshot-server import --device ID --recording FILE --presses FILE [--config FILE]
                                   file the presses of a long recording as clips`;

/**
 * `earshot-server import`: the batch import against the configured database and storage, without
 * a running server. Progress goes to stderr, the result (JSON) to stdout.
 */
export async function importCli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      device: { type: 'string' },
      recording: { type: 'string' },
      presses: { type: 'string' },
    },
  });
  const missing = (['device', 'recording', 'presses'] as const).filter((k) => values[k] === undefined);
  if (missing.length > 0) {
    process.stderr.write(`earshot-server import: missing --${missing.join(', --')}\n\nUsage:\n${IMPORT_USAGE}\n`);
    return 64;
  }
  const config = loadServerConfig({ file: values.config });
  // Logs to stderr: stdout carries the result alone.
  const logger = createLogger({ name: 'earshot-import', level: config.logLevel, destination: process.stderr });
  const log = parsePressLog(await readFile(values.presses as string, 'utf8'));
  const db = await openDatabase(databaseUrl(config));
  const queue = await openQueue(config, db, logger);
  try {
    const ingest = new ClipIngest({
      db,
      blobs: openBlobStore(config),
      queue,
      buttonMap: new ButtonMap(db),
      maxResends: config.ingest.maxResends,
      logger,
    });
    const importer = new RecordingImporter({
      db,
      ingest,
      ...importWindowMs(config.import),
      logger,
    });
    let shown = '';
    const result = await importer.import(values.recording as string, log, values.device as string, (p) => {
      const line = `${p.phase} ${Math.floor(p.fraction * 100)}% (${p.clipsFiled}/${p.clipsTotal} clips)`;
      if (line !== shown) process.stderr.write(`${line}\n`);
      shown = line;
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.clips.some((c) => c.status === 'rejected') ? 1 : 0;
  } finally {
    await queue.stop();
    await db.destroy();
  }
}
