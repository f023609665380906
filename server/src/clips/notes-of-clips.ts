import type { Database } from '../db/database.js';
import type { CsvNote } from './clips-csv.js';

/** Ids per query: well under SQLite's and PostgreSQL's bound-parameter limits. */
const BATCH = 500;

/** The notes of many clips (an export's), oldest first, by clip id. */
export async function notesOfClips(db: Database, clipIds: readonly string[]): Promise<Map<string, CsvNote[]>> {
  const notes = new Map<string, CsvNote[]>();
  for (let i = 0; i < clipIds.length; i += BATCH) {
    const rows = await db
      .selectFrom('clip_notes')
      .select(['clip_id', 'author_name', 'body', 'created_at'])
      .where('clip_id', 'in', clipIds.slice(i, i + BATCH))
      .orderBy('clip_id')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const row of rows) {
      const list = notes.get(row.clip_id) ?? [];
      list.push({ author: row.author_name, createdAt: row.created_at, body: row.body });
      notes.set(row.clip_id, list);
    }
  }
  return notes;
}
