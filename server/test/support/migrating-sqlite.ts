import SQLite from 'better-sqlite3';
import { Kysely, Migrator, sql, SqliteDialect } from 'kysely';
import { registerLocalTime } from '../../src/db/local-time-sql.js';
import { migrationProvider } from '../../src/db/migrations.js';
import type { DatabaseSchema } from '../../src/db/schema.js';

/**
 * An empty in-memory SQLite database and a migrator over the server's migrations, for tests that
 * migrate up to one migration, write rows as they stood then, and migrate the rest of the way.
 */
export function migratingSqlite(): { db: Kysely<DatabaseSchema>; migrator: Migrator } {
  const sqlite = new SQLite(':memory:');
  // As the server opens it: later migrations read local times with these functions.
  registerLocalTime(sqlite);
  const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, migrator: new Migrator({ db, provider: migrationProvider }) };
}

/** A clip as a migration test writes it: `clip`'s columns over these, which every migration has had. */
export async function insertEarlyClip(
  db: Kysely<DatabaseSchema>,
  clip: { id: string } & Record<string, string | number | null>,
): Promise<void> {
  const row: Record<string, string | number | null> = {
    device_id: 'pi',
    button: 1,
    question_id: null,
    store_id: null,
    pressed_at: '2026-03-01T18:20:00.000Z',
    start_at: '2026-03-01T18:19:00.000Z',
    end_at: '2026-03-01T18:21:00.000Z',
    duration_ms: 120000,
    sample_rate: 16000,
    channels: 1,
    container: 'wav',
    codec: 'pcm_s16le',
    size: 1,
    sha256: 'x',
    storage_key: `k/${clip.id}`,
    truncated: 0,
    gaps_json: '[]',
    meta_json: '{}',
    status: 'received',
    received_at: '2026-03-01T18:21:00.000Z',
    ...clip,
  };
  const columns = Object.keys(row);
  await sql`insert into clips (${sql.join(columns.map((c) => sql.ref(c)))})
    values (${sql.join(columns.map((c) => row[c]))})`.execute(db);
}
