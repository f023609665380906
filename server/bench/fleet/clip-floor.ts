import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { makeClip } from '../../test/support/test-clips.js';

/**
 * The least a server can spend on a stored clip, measured in this process: sha256 of its bytes,
 * one durable write of them (write + fsync of a new file) and one committed row in a SQLite
 * database in WAL mode with synchronous=FULL, as the server's. CPU ms (user + system) per clip.
 */
export async function clipFloorCpuMs(dir: string, clipSeconds: number, clips = 200): Promise<number> {
  const db = new SQLite(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('create table clips (id text primary key, sha256 text not null, size integer not null)');
  const insert = db.prepare('insert into clips (id, sha256, size) values (?, ?, ?)');
  const audio = Array.from({ length: clips }, () => makeClip(clipSeconds));
  const before = process.cpuUsage();
  for (const { meta, audio: bytes } of audio) {
    const hash = createHash('sha256').update(bytes).digest('hex');
    const file = await open(join(dir, `floor-${meta.clipId}.wav`), 'w');
    await file.write(bytes);
    await file.sync();
    await file.close();
    insert.run(meta.clipId, hash, bytes.length);
  }
  const used = process.cpuUsage(before);
  db.close();
  return (used.user + used.system) / 1000 / clips;
}
