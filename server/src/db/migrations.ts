import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

/**
 * Migrations live in code, in order, and run at start-up. Never edit one that has shipped:
 * add the next.
 */
const migrations: Record<string, Migration> = {
  '0001-initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('version', 'text')
        .addColumn('state_changed_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('questions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('text_en', 'text', (c) => c.notNull())
        .addColumn('text_ru', 'text')
        .execute();
      await db.schema
        .createTable('transfers')
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('clip_id', 'text', (c) => c.notNull())
        .addColumn('init_json', 'text', (c) => c.notNull())
        .addColumn('resends', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('transfers_pk', ['device_id', 'clip_id'])
        .execute();
      await db.schema
        .createTable('transfer_chunks')
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('clip_id', 'text', (c) => c.notNull())
        .addColumn('offset', 'integer', (c) => c.notNull())
        .addColumn('data', sql`blob`, (c) => c.notNull())
        .addPrimaryKeyConstraint('transfer_chunks_pk', ['device_id', 'clip_id', 'offset'])
        .execute();
      await db.schema
        .createTable('clips')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('button', 'integer', (c) => c.notNull())
        .addColumn('question_id', 'text')
        .addColumn('pressed_at', 'text', (c) => c.notNull())
        .addColumn('start_at', 'text', (c) => c.notNull())
        .addColumn('end_at', 'text', (c) => c.notNull())
        .addColumn('duration_ms', 'real', (c) => c.notNull())
        .addColumn('sample_rate', 'integer', (c) => c.notNull())
        .addColumn('channels', 'integer', (c) => c.notNull())
        .addColumn('container', 'text', (c) => c.notNull())
        .addColumn('codec', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('storage_key', 'text', (c) => c.notNull())
        .addColumn('truncated', 'integer', (c) => c.notNull())
        .addColumn('gaps_json', 'text', (c) => c.notNull())
        .addColumn('meta_json', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('clips_pressed_at').on('clips').columns(['pressed_at', 'id']).execute();
      await db.schema.createIndex('clips_device').on('clips').columns(['device_id', 'pressed_at']).execute();
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_due').on('jobs').columns(['queue', 'state', 'run_at']).execute();
    },
  },
  '0003-transfer': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('mqtt_accounts')
        .addColumn('username', 'text', (c) => c.primaryKey())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('device_heartbeats')
        .addColumn('device_id', 'text', (c) => c.primaryKey())
        .addColumn('heartbeat_json', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('device_config_states')
        .addColumn('device_id', 'text', (c) => c.primaryKey())
        .addColumn('state_json', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('transfers_created').on('transfers').columns(['created_at']).execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
