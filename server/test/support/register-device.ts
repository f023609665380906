import type { Database } from '../../src/db/database.js';

/** Registers a device as `PUT /api/v1/devices/:id` does: imports are refused for unknown ids. */
export async function registerDevice(db: Database, id: string): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto('devices')
    .values({
      id,
      state: 'unknown',
      version: null,
      state_changed_at: now,
      last_seen_at: now,
      name: null,
      store_id: null,
    })
    .execute();
}
