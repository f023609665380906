import { type ColumnDataType, type Kysely, type Migration, type MigrationProvider, PostgresAdapter, sql } from 'kysely';
import { moveScoresToAnswers } from './scores-to-answers.js';

/**
 * Migrations live in code, in order, and run at start-up, the same on SQLite and PostgreSQL.
 * Never edit one that has shipped: add the next.
 */
const migrations: Record<string, Migration> = {
  '0001-initial': {
    async up(db: Kysely<unknown>) {
      const { bytes, serialKey } = portableTypes(db);
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
        .addColumn('data', bytes, (c) => c.notNull())
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
        .addColumn('duration_ms', 'double precision', (c) => c.notNull())
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
        .addColumn('id', 'integer', serialKey)
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
  '0002-domain': {
    async up(db: Kysely<unknown>) {
      const { serialKey } = portableTypes(db);
      await db.schema
        .createTable('stores')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('location', 'text')
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('devices').addColumn('store_id', 'text').execute();
      await db.schema.alterTable('devices').addColumn('name', 'text').execute();
      await db.schema
        .createTable('button_maps')
        .addColumn('id', 'integer', serialKey)
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('scope_id', 'text', (c) => c.notNull())
        .addColumn('effective_from', 'text', (c) => c.notNull())
        .addColumn('buttons_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('button_maps_lookup')
        .on('button_maps')
        .columns(['scope', 'scope_id', 'effective_from'])
        .execute();
      await db.schema.alterTable('clips').addColumn('store_id', 'text').execute();
      await db.schema
        .alterTable('clips')
        .addColumn('source', 'text', (c) => c.notNull().defaultTo('device'))
        .execute();
      await db.schema.createIndex('clips_store').on('clips').columns(['store_id', 'pressed_at']).execute();
      await db.schema
        .createTable('transcripts')
        .addColumn('clip_id', 'text', (c) => c.primaryKey())
        .addColumn('engine', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('words_json', 'text', (c) => c.notNull())
        .addColumn('duration_ms', 'double precision', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('scores')
        .addColumn('clip_id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'integer')
        .addColumn('evidence_json', 'text')
        .addColumn('reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
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
  '0004-access': {
    async up(db: Kysely<unknown>) {
      const { serialKey } = portableTypes(db);
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'text')
        .execute();
      await db.schema
        .createTable('user_stores')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_stores_pk', ['user_id', 'store_id'])
        .execute();
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'integer', serialKey)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('username', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject_type', 'text')
        .addColumn('subject_id', 'text')
        .addColumn('store_id', 'text')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('details_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_events_at').on('audit_events').columns(['at', 'id']).execute();
      // Append-only in the database itself, not just by convention in the code.
      if (db.getExecutor().adapter instanceof PostgresAdapter) {
        await sql`CREATE FUNCTION earshot_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$`.execute(db);
        await sql`CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
          FOR EACH ROW EXECUTE FUNCTION earshot_audit_append_only()`.execute(db);
      } else {
        for (const operation of ['UPDATE', 'DELETE']) {
          await sql
            .raw(
              `CREATE TRIGGER audit_events_no_${operation.toLowerCase()} BEFORE ${operation} ON audit_events
               BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,
            )
            .execute(db);
        }
      }
    },
  },
  '0005-transcript-search': {
    async up(db: Kysely<unknown>) {
      if (db.getExecutor().adapter instanceof PostgresAdapter) {
        // Both stemmers, so that Russian and English answers are found by their word stems.
        await sql`ALTER TABLE transcripts ADD COLUMN search tsvector GENERATED ALWAYS AS
          (to_tsvector('russian', text) || to_tsvector('english', text) || to_tsvector('simple', text)) STORED`.execute(
          db,
        );
        await sql`CREATE INDEX transcripts_search ON transcripts USING gin (search)`.execute(db);
        return;
      }
      // FTS5 with unicode61 folds case (Cyrillic too); prefix queries stand in for stemming.
      await sql`CREATE VIRTUAL TABLE transcripts_fts USING fts5(text, clip_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')`.execute(
        db,
      );
      await sql`CREATE TRIGGER transcripts_fts_insert AFTER INSERT ON transcripts BEGIN
        INSERT INTO transcripts_fts (rowid, text, clip_id) VALUES (new.rowid, new.text, new.clip_id); END`.execute(db);
      await sql`CREATE TRIGGER transcripts_fts_delete AFTER DELETE ON transcripts BEGIN
        DELETE FROM transcripts_fts WHERE rowid = old.rowid; END`.execute(db);
      await sql`CREATE TRIGGER transcripts_fts_update AFTER UPDATE ON transcripts BEGIN
        DELETE FROM transcripts_fts WHERE rowid = old.rowid;
        INSERT INTO transcripts_fts (rowid, text, clip_id) VALUES (new.rowid, new.text, new.clip_id); END`.execute(db);
      await sql`INSERT INTO transcripts_fts (rowid, text, clip_id) SELECT rowid, text, clip_id FROM transcripts`.execute(
        db,
      );
    },
  },
  '0006-retention': {
    async up(db: Kysely<unknown>) {
      const { serialKey } = portableTypes(db);
      await db.schema.alterTable('questions').addColumn('retention_days', 'integer').execute();
      await db.schema
        .alterTable('clips')
        .addColumn('legal_hold', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('destruction_acts')
        .addColumn('id', 'integer', serialKey)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text')
        .addColumn('scope_json', 'text', (c) => c.notNull())
        .addColumn('clip_count', 'integer', (c) => c.notNull())
        .addColumn('clip_ids_json', 'text', (c) => c.notNull())
        .addColumn('held_ids_json', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0007-scorecards': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('checklists')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('question_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('items_json', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('clip_scorecards')
        .addColumn('clip_id', 'text', (c) => c.notNull())
        .addColumn('checklist_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('answers_json', 'text', (c) => c.notNull())
        .addColumn('comment', 'text')
        .addColumn('scored_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('clip_scorecards_pk', ['clip_id', 'checklist_id', 'user_id'])
        .execute();
      await db.schema.createIndex('clip_scorecards_checklist').on('clip_scorecards').column('checklist_id').execute();
    },
  },
  '0008-enrolment': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('claim_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addColumn('request_hash', 'text')
        .execute();
      await db.schema.createIndex('claim_tokens_device').on('claim_tokens').column('device_id').execute();
      await db.schema.alterTable('devices').addColumn('decommissioned_at', 'text').execute();
      await db.schema.alterTable('mqtt_accounts').addColumn('pending_password_hash', 'text').execute();
    },
  },
  '0009-fleet': {
    async up(db: Kysely<unknown>) {
      const { serialKey } = portableTypes(db);
      await db.schema.alterTable('stores').addColumn('opening_hours_json', 'text').execute();
      await db.schema
        .createTable('device_heartbeat_history')
        .addColumn('id', 'integer', serialKey)
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('heartbeat_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('device_heartbeat_history_device')
        .on('device_heartbeat_history')
        .columns(['device_id', 'received_at'])
        .execute();
      await db.schema
        .createIndex('device_heartbeat_history_received')
        .on('device_heartbeat_history')
        .column('received_at')
        .execute();
      await db.schema
        .createTable('device_alerts')
        .addColumn('id', 'integer', serialKey)
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('raised_at', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .execute();
      await db.schema
        .createIndex('device_alerts_device')
        .on('device_alerts')
        .columns(['device_id', 'raised_at'])
        .execute();
      // One open alert per device and kind, whoever evaluates.
      await db.schema
        .createIndex('device_alerts_open')
        .on('device_alerts')
        .columns(['device_id', 'kind'])
        .unique()
        .where(sql.ref('resolved_at'), 'is', null)
        .execute();
      await db.schema
        .createTable('device_configs')
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('config_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addPrimaryKeyConstraint('device_configs_pk', ['device_id', 'version'])
        .execute();
    },
  },
  '0010-answers': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('questions').addColumn('answer_settings_json', 'text').execute();
      // One answer per clip: the machine's reading and a person's, side by side. `value` and
      // `source` are the answer in force (the person's when given, else the machine's when it
      // is sure enough), kept on every write so that NPS and statistics read one column.
      await db.schema
        .createTable('answers')
        .addColumn('clip_id', 'text', (c) => c.primaryKey())
        .addColumn('form', 'text', (c) => c.notNull())
        .addColumn('value', 'integer')
        .addColumn('source', 'text')
        .addColumn('needs_review', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('question_heard', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('machine_value', 'integer')
        .addColumn('machine_confidence', 'real', (c) => c.notNull().defaultTo(0))
        .addColumn('machine_json', 'text', (c) => c.notNull())
        .addColumn('human_value', 'integer')
        .addColumn('human_declined', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('human_by', 'text')
        .addColumn('human_at', 'text')
        .addColumn('read_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('answers_needs_review').on('answers').columns(['needs_review', 'clip_id']).execute();
      await moveScoresToAnswers(db);
      await db.schema.dropTable('scores').execute();
    },
  },
  '0011-checklist-retirement': {
    async up(db: Kysely<unknown>) {
      // A retired checklist is no longer offered for scoring; its scorecards stay, with meaning.
      await db.schema.alterTable('checklists').addColumn('retired_at', 'text').execute();
    },
  },
  '0012-clip-notes': {
    async up(db: Kysely<unknown>) {
      const { serialKey } = portableTypes(db);
      await db.schema
        .createTable('clip_notes')
        .addColumn('id', 'integer', serialKey)
        .addColumn('clip_id', 'text', (c) => c.notNull())
        .addColumn('author_id', 'text', (c) => c.notNull())
        .addColumn('author_name', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('clip_notes_clip').on('clip_notes').columns(['clip_id', 'created_at']).execute();
      // The primary key is the index the list's follow-up filter looks clips up by.
      await db.schema
        .createTable('clip_follow_ups')
        .addColumn('clip_id', 'text', (c) => c.primaryKey())
        .addColumn('set_by', 'text', (c) => c.notNull())
        .addColumn('set_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0013-query-shapes': {
    async up(db: Kysely<unknown>) {
      // Shaped for the API's filters (test/db/query-plans.test.ts): a question's clips in time
      // order, and each device's latest clip for the fleet list without reading all clips.
      await db.schema.createIndex('clips_question').on('clips').columns(['question_id', 'pressed_at']).execute();
      await db.schema.createIndex('clips_device_received').on('clips').columns(['device_id', 'received_at']).execute();
    },
  },
  '0014-typed-device-settings': {
    async up(db: Kysely<unknown>) {
      // The settings a technician pushed, before the button map's labels were added: a changed
      // map is pushed again over them (fleet/label-sync.ts). Null for pushes made before.
      await db.schema.alterTable('device_configs').addColumn('settings_json', 'text').execute();
    },
  },
  '0015-status-by-time': {
    async up(db: Kysely<unknown>) {
      // Transcription status per store over a range read from the index alone: walking the
      // pressed-at index and fetching each clip's row for its store and status cost SQLite 151 ms
      // a month at 1,000,000 clips (docs/scale-out.md).
      await db.schema
        .createIndex('clips_pressed_status')
        .on('clips')
        .columns(['pressed_at', 'store_id', 'status'])
        .execute();
    },
  },
  '0016-answers-by-score': {
    async up(db: Kysely<unknown>) {
      // The list sorted by score walks these indexes to its page, ties newest first: the press
      // time is kept beside the value (it never changes), since no index spans two tables.
      await db.schema.alterTable('answers').addColumn('pressed_at', 'text').execute();
      await sql`update answers set pressed_at = (select clips.pressed_at from clips where clips.id = answers.clip_id)`.execute(
        db,
      );
      await db.schema
        .createIndex('answers_lowest')
        .on('answers')
        .columns(['value', 'pressed_at desc', 'clip_id desc'])
        .execute();
      await db.schema
        .createIndex('answers_highest')
        .on('answers')
        .columns(['value desc', 'pressed_at desc', 'clip_id desc'])
        .execute();
    },
  },
  '0017-local-day-and-hour': {
    async up(db: Kysely<unknown>) {
      // The press's day and hour in its store's zone, written with the clip (and again when the
      // store's zone changes): the dashboard's counts by local day and hour read them from one
      // index instead of converting every clip of the month to its zone (docs/scale-out.md).
      // Null when the clip has no store.
      await db.schema.alterTable('clips').addColumn('local_day', 'text').execute();
      await db.schema.alterTable('clips').addColumn('local_hour', 'integer').execute();
      if (db.getExecutor().adapter instanceof PostgresAdapter) {
        await sql`update clips set
            local_day = to_char(cast(clips.pressed_at as timestamptz) at time zone stores.time_zone, 'YYYY-MM-DD'),
            local_hour = cast(extract(hour from cast(clips.pressed_at as timestamptz) at time zone stores.time_zone) as integer)
          from stores where stores.id = clips.store_id`.execute(db);
      } else {
        await sql`update clips set
            local_day = local_day(pressed_at, (select time_zone from stores where stores.id = clips.store_id)),
            local_hour = local_hour(pressed_at, (select time_zone from stores where stores.id = clips.store_id))
          where store_id in (select id from stores)`.execute(db);
      }
      await db.schema.dropIndex('clips_pressed_status').execute();
      await db.schema
        .createIndex('clips_stats')
        .on('clips')
        .columns(['pressed_at', 'store_id', 'question_id', 'local_day', 'device_id', 'local_hour', 'status'])
        .execute();
    },
  },
  '0018-nps-counts': {
    async up(db: Kysely<unknown>) {
      // NPS counts per store, question and local day, week and month, kept by triggers in the
      // same transaction as the answers and clips they count, whichever code writes them: a
      // chain's year of NPS by week read every answer of two years with its clip and converted
      // each press to its store's zone (4 s at 1,000,000 clips; docs/scale-out.md). Clips of no
      // store have no local day and are not counted here. The columns mirror nps/nps-class.ts
      // and nps/nps-report.ts; test/nps/nps-counts-consistency.test.ts holds them equal.
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await sql`create table nps_counts (
          period_kind text not null,
          starts text not null,
          store_id text not null,
          question_id text not null,
          nps_clips integer not null,
          promoters integer not null,
          passives integer not null,
          detractors integer not null,
          heard integer not null,
          confirmed integer not null,
          to_review integer not null,
          primary key (period_kind, starts, store_id, question_id)
        )${sql.raw(postgres ? '' : ' without rowid')}`.execute(db);
      for (const [period, starts] of Object.entries(npsPeriodStarts(postgres))) {
        await sql`insert into nps_counts
            select ${sql.lit(period)}, ${sql.raw(starts('clips.local_day'))}, clips.store_id, coalesce(clips.question_id, ''),
              count(*), ${sql.raw(NPS_COUNT_SUMS.map((sum) => `sum(${sum('answers')})`).join(', '))}
            from answers join clips on clips.id = answers.clip_id
            where answers.form = 'nps' and clips.store_id is not null and clips.local_day is not null
            group by ${sql.raw(starts('clips.local_day'))}, clips.store_id, coalesce(clips.question_id, '')`.execute(
          db,
        );
      }
      await createRowTriggers(db, npsCountTriggers(postgres));
    },
  },
  '0019-rare-flags': {
    async up(db: Kysely<unknown>) {
      // Truncated clips, clips with gaps and imported clips are few: listed newest first, the
      // clips' time index was walked through thousands of others to fill a page and its count
      // (clips with gaps at 1,000,000 clips: 22 ms a query). Each has its own small index, in
      // time order, holding only those clips; clips/clip-filter.ts writes the same conditions.
      for (const [name, condition] of [
        ['clips_truncated', 'truncated = 1'],
        ['clips_with_gaps', "gaps_json <> '[]'"],
        ['clips_imported', "source = 'import'"],
      ] as const) {
        await sql.raw(`create index ${name} on clips (pressed_at, id) where ${condition}`).execute(db);
      }
    },
  },
  '0020-device-latest-clip': {
    async up(db: Kysely<unknown>) {
      // Each device's latest clip received and latest press, kept on its row by a trigger on
      // clips: the fleet list read them as two max() lookups per device (2,000 for a thousand
      // devices: 15 ms on PostgreSQL of a 22 ms call). A clip destroyed later (retention,
      // erasure) does not move them back: the device did send it then.
      await db.schema.alterTable('devices').addColumn('last_clip_at', 'text').execute();
      await db.schema.alterTable('devices').addColumn('last_press_at', 'text').execute();
      await sql`update devices set
          last_clip_at = (select max(clips.received_at) from clips where clips.device_id = devices.id),
          last_press_at = (select max(clips.pressed_at) from clips where clips.device_id = devices.id)`.execute(db);
      const later = (column: string, value: string) =>
        `${column} = case when ${column} is null or ${column} < ${value} then ${value} else ${column} end`;
      // The index that served those lookups serves nothing else: it goes, and with it a write per clip.
      await db.schema.dropIndex('clips_device_received').execute();
      await createRowTriggers(db, [
        {
          name: 'devices_latest_clip',
          event: 'insert on clips',
          when: 'true',
          statements: [
            `update devices set ${later('last_clip_at', 'new.received_at')}, ${later('last_press_at', 'new.pressed_at')}
              where id = new.device_id`,
          ],
        },
      ]);
    },
  },
  '0021-answers-by-store-and-score': {
    async up(db: Kysely<unknown>) {
      // A store's clips by score walked the chain's answers by value, or, given the store, read
      // every clip of it and sorted them (10,000,000 clips: 20,000 a store, 320 ms a page on
      // PostgreSQL). The answer keeps its clip's store beside the value, as it keeps the press
      // time (0016), and each store's answers have their own walk in each order.
      await db.schema.alterTable('answers').addColumn('store_id', 'text').execute();
      await sql`update answers set store_id = (select clips.store_id from clips where clips.id = answers.clip_id)`.execute(
        db,
      );
      await db.schema
        .createIndex('answers_store_lowest')
        .on('answers')
        .columns(['store_id', 'value', 'pressed_at desc', 'clip_id desc'])
        .execute();
      await db.schema
        .createIndex('answers_store_highest')
        .on('answers')
        .columns(['store_id', 'value desc', 'pressed_at desc', 'clip_id desc'])
        .execute();
      // The answer is written with its clip's store (answers/answer-store.ts). Nothing files a
      // clip in another store today; should anything, the answer follows it.
      await createRowTriggers(db, [
        {
          name: 'answers_store_clip_moved',
          event: 'update of store_id on clips',
          when: 'old.store_id is distinct from new.store_id',
          statements: ['update answers set store_id = new.store_id where clip_id = new.id'],
        },
      ]);
    },
  },
  '0022-search-in-time-order': {
    async up(db: Kysely<unknown>) {
      // PostgreSQL's text index (GIN) keeps no order to walk; see clips/clip-filter.ts.
      if (db.getExecutor().adapter instanceof PostgresAdapter) return;
      // SQLite's text index lists each word's matches by rowid, and walks them in rowid order from
      // either end. Keyed by press time, a search's newest (or oldest) matches are its first: the
      // list stops at its page, where it read each of a common word's 12,500 matches at 1,000,000
      // clips and sorted them (117 ms a page). The key is the press time in milliseconds shifted
      // left by 20 bits, plus one for each earlier transcript of a clip pressed in that millisecond
      // (SEARCH_KEY_BITS in clips/text-search.ts). The transcript keeps its key (`search_key`) to
      // find its row in the index again.
      await sql`DROP TRIGGER transcripts_fts_insert`.execute(db);
      await sql`DROP TRIGGER transcripts_fts_delete`.execute(db);
      await sql`DROP TRIGGER transcripts_fts_update`.execute(db);
      await sql`ALTER TABLE transcripts ADD COLUMN search_key integer`.execute(db);
      await sql`CREATE TEMP TABLE search_keys AS
        SELECT transcript, (ms << 20) + row_number() OVER (PARTITION BY ms ORDER BY pressed_at, id) - 1 AS search_key
        FROM (SELECT transcripts.rowid AS transcript, clips.pressed_at, clips.id, ${sql.raw(pressMs('clips.pressed_at'))} AS ms
              FROM transcripts JOIN clips ON clips.id = transcripts.clip_id)`.execute(db);
      await sql`CREATE UNIQUE INDEX temp.search_keys_transcript ON search_keys (transcript)`.execute(db);
      await sql`UPDATE transcripts SET search_key = (SELECT search_key FROM search_keys WHERE transcript = transcripts.rowid)`.execute(
        db,
      );
      await sql`DROP TABLE temp.search_keys`.execute(db);
      await sql`DELETE FROM transcripts_fts`.execute(db);
      await sql`INSERT INTO transcripts_fts (rowid, text, clip_id)
        SELECT search_key, text, clip_id FROM transcripts ORDER BY search_key`.execute(db);
      // The first key of the clip's millisecond, or the one after the last key taken in it.
      const lowest = `(${pressMs('clips.pressed_at')} << 20)`;
      const taken = `(SELECT max(rowid) FROM transcripts_fts WHERE rowid >= ${lowest} AND rowid < ${lowest} + 1048576)`;
      const ofClip = `FROM clips WHERE clips.id = new.clip_id`;
      await sql
        .raw(
          `CREATE TRIGGER transcripts_fts_insert AFTER INSERT ON transcripts BEGIN
        INSERT INTO transcripts_fts (rowid, text, clip_id) SELECT coalesce(${taken} + 1, ${lowest}), new.text, new.clip_id ${ofClip};
        UPDATE transcripts SET search_key = (SELECT ${taken} ${ofClip}) WHERE rowid = new.rowid; END`,
        )
        .execute(db);
      await sql`CREATE TRIGGER transcripts_fts_delete AFTER DELETE ON transcripts BEGIN
        DELETE FROM transcripts_fts WHERE rowid = old.search_key; END`.execute(db);
      // Not on `search_key`'s own update (the insert trigger's), which changes nothing indexed.
      await sql`CREATE TRIGGER transcripts_fts_update AFTER UPDATE OF text, clip_id ON transcripts BEGIN
        DELETE FROM transcripts_fts WHERE rowid = old.search_key;
        INSERT INTO transcripts_fts (rowid, text, clip_id) VALUES (new.search_key, new.text, new.clip_id); END`.execute(
        db,
      );
    },
  },
  '0023-transcripts-pressed-at': {
    async up(db: Kysely<unknown>) {
      // SQLite's text index holds the press time in its keys (0022).
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
      // PostgreSQL's text index (GIN) gives a word's every match, unordered: 12,500 for a common
      // word at 1,000,000 clips, each then looked up in clips. With the clip's press time on the
      // transcript, a search within a time range keeps only the range's matches as it reads
      // them, and looks up only those clips. No index on it: given one, the planner walked half a
      // year of transcripts by time, testing each against the word (0.5 s, where the text index
      // and the filter take 0.1). Written before each insert from the clip, which never changes
      // its press time.
      await sql`ALTER TABLE transcripts ADD COLUMN pressed_at text`.execute(db);
      await sql`UPDATE transcripts SET pressed_at = clips.pressed_at FROM clips WHERE clips.id = transcripts.clip_id`.execute(
        db,
      );
      await sql`CREATE FUNCTION transcripts_pressed_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        new.pressed_at := (SELECT clips.pressed_at FROM clips WHERE clips.id = new.clip_id);
        RETURN new; END $$`.execute(db);
      await sql`CREATE TRIGGER transcripts_pressed_at BEFORE INSERT ON transcripts
        FOR EACH ROW EXECUTE FUNCTION transcripts_pressed_at()`.execute(db);
    },
  },
  '0024-clip-counts': {
    async up(db: Kysely<unknown>) {
      // Clips per local day, store, question and status, kept by triggers in the same transaction
      // as the clips they count, as nps_counts (0018) keeps NPS answers: a chain's clips per day
      // over a month, and their share transcribed, were counted from every clip of it (86,000 at
      // 1,000,000 clips, 1,500,000 for a chain of a thousand stores), where these rows are about
      // one per store, question and day. Clips of no store have no local day and are counted
      // from the clips. stats/clip-counts.ts reads it; test/stats/clip-counts-consistency.test.ts
      // holds it equal to the clips.
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await sql`create table clip_counts (
          local_day text not null,
          store_id text not null,
          question_id text not null,
          status text not null,
          clips integer not null,
          primary key (local_day, store_id, question_id, status)
        )${sql.raw(postgres ? '' : ' without rowid')}`.execute(db);
      await sql`insert into clip_counts
          select local_day, store_id, coalesce(question_id, ''), status, count(*) from clips
          where store_id is not null and local_day is not null
          group by local_day, store_id, coalesce(question_id, ''), status`.execute(db);
      const add = (clip: string) => `insert into clip_counts (local_day, store_id, question_id, status, clips)
        select ${clip}.local_day, ${clip}.store_id, coalesce(${clip}.question_id, ''), ${clip}.status, 1
        where ${clip}.store_id is not null and ${clip}.local_day is not null
        on conflict (local_day, store_id, question_id, status) do update set clips = clip_counts.clips + 1`;
      // A day that loses its last clip keeps a row of zero, as nps_counts does: deleting it would
      // race a concurrent insert into the same day on PostgreSQL. Readers skip zeros.
      const remove = (clip: string) => `update clip_counts set clips = clips - 1
        where local_day = ${clip}.local_day and store_id = ${clip}.store_id
          and question_id = coalesce(${clip}.question_id, '') and status = ${clip}.status`;
      await createRowTriggers(db, [
        {
          name: 'clip_counts_added',
          event: 'insert on clips',
          when: 'new.store_id is not null',
          statements: [add('new')],
        },
        {
          name: 'clip_counts_removed',
          event: 'delete on clips',
          when: 'old.store_id is not null',
          statements: [remove('old')],
        },
        {
          // Transcribed or failed; refiled under another store or question; or its local day moved
          // with its store's zone.
          name: 'clip_counts_moved',
          event: 'update of status, store_id, question_id, local_day on clips',
          when:
            'old.status is distinct from new.status' +
            ' or old.store_id is distinct from new.store_id or old.question_id is distinct from new.question_id' +
            ' or old.local_day is distinct from new.local_day',
          statements: [remove('old'), add('new')],
        },
      ]);
    },
  },
  '0025-device-hour-counts': {
    async up(db: Kysely<unknown>) {
      // Presses per device and local hour over a range (is the button used all day?) were counted
      // from every clip of it: a month of a 500-store chain is 86,000 clips at 1,000,000, and
      // 1,500,000 for a thousand stores. Here each store's device keeps a row per local day, with
      // its presses in each of the day's 24 hours as columns, so that a month is summed in the
      // database from one row per device and day. Kept by triggers in the clips' own
      // transactions, as clip_counts (0024) is; clips of no store are counted from the clips.
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      const hours = Array.from({ length: 24 }, (_, hour) => hour);
      await sql`create table device_hour_counts (
          local_day text not null,
          store_id text not null,
          device_id text not null,
          ${sql.raw(hours.map((hour) => `h${hour} integer not null`).join(',\n'))},
          primary key (local_day, store_id, device_id)
        )${sql.raw(postgres ? '' : ' without rowid')}`.execute(db);
      const columns = hours.map((hour) => `h${hour}`).join(', ');
      const inHour = (clip: string, hour: number) => `case when ${clip}.local_hour = ${hour} then 1 else 0 end`;
      await sql`insert into device_hour_counts (local_day, store_id, device_id, ${sql.raw(columns)})
          select local_day, store_id, device_id, ${sql.raw(hours.map((hour) => `sum(${inHour('clips', hour)})`).join(', '))}
          from clips where store_id is not null and local_day is not null
          group by local_day, store_id, device_id`.execute(db);
      const add = (clip: string) => `insert into device_hour_counts (local_day, store_id, device_id, ${columns})
        select ${clip}.local_day, ${clip}.store_id, ${clip}.device_id, ${hours.map((hour) => inHour(clip, hour)).join(', ')}
        where ${clip}.store_id is not null and ${clip}.local_day is not null
        on conflict (local_day, store_id, device_id) do update set
          ${hours.map((hour) => `h${hour} = device_hour_counts.h${hour} + excluded.h${hour}`).join(', ')}`;
      // Rows of zero stay, as in clip_counts.
      const remove = (clip: string) => `update device_hour_counts set
          ${hours.map((hour) => `h${hour} = h${hour} - ${inHour(clip, hour)}`).join(', ')}
        where local_day = ${clip}.local_day and store_id = ${clip}.store_id and device_id = ${clip}.device_id`;
      await createRowTriggers(db, [
        {
          name: 'device_hour_counts_added',
          event: 'insert on clips',
          when: 'new.store_id is not null',
          statements: [add('new')],
        },
        {
          name: 'device_hour_counts_removed',
          event: 'delete on clips',
          when: 'old.store_id is not null',
          statements: [remove('old')],
        },
        {
          // Refiled under another store, or its local day and hour moved with its store's zone.
          name: 'device_hour_counts_moved',
          event: 'update of store_id, device_id, local_day, local_hour on clips',
          when:
            'old.store_id is distinct from new.store_id or old.device_id is distinct from new.device_id' +
            ' or old.local_day is distinct from new.local_day or old.local_hour is distinct from new.local_hour',
          statements: [remove('old'), add('new')],
        },
      ]);
    },
  },
  '0026-device-hour-counts-by-days': {
    async up(db: Kysely<unknown>) {
      // A day's presses update its devices' rows again and again, and each update leaves the old
      // row behind until a vacuum: the bench's table held three times its rows' size (150 MB at
      // 1,000,000 clips). PostgreSQL then costed a month's coverage as a parallel scan of the whole
      // table (150 ms, read from outside its buffers each time) below a scan of its key's days
      // (16 ms). No parallel scan of this table, then: it is only ever read by a range of days.
      if (db.getExecutor().adapter instanceof PostgresAdapter)
        await sql`alter table device_hour_counts set (parallel_workers = 0)`.execute(db);
    },
  },
  '0027-clips-untranscribed': {
    async up(db: Kysely<unknown>) {
      // Clips without a transcript are few (failed, or still waiting), and a list of them walked
      // the clips' time index through every transcribed one to fill a page and its count: one
      // clip in fifty at 1,000,000 clips, and PostgreSQL's count took 127 ms. This index holds
      // only the clips not marked transcribed, in time order; clips/clip-filter.ts asks for them
      // by the same condition. A clip is marked transcribed only in the transaction that stores
      // its transcript, which goes only with the clip, so every clip without one is in this index.
      await sql`create index clips_untranscribed on clips (pressed_at, id) where status <> 'transcribed'`.execute(db);
    },
  },
  '0028-clips-pressed-at-statistics': {
    async up(db: Kysely<unknown>) {
      // PostgreSQL guesses how many clips a range of press times holds from a histogram of 100
      // buckets: at 1,000,000 clips a bucket spans three and a half days, and a day's range was
      // taken for 9,359 clips where it held 2,382. Joined to their answers, that guess chose a
      // scan of every answer (220 ms) over a lookup of each (12 ms). A thousand buckets size a
      // day to within a few hundred clips; ANALYZE samples 300,000 rows instead of 30,000.
      if (db.getExecutor().adapter instanceof PostgresAdapter)
        await sql`alter table clips alter column pressed_at set statistics 1000`.execute(db);
    },
  },
};

/**
 * What an NPS answer adds to its period's counts, after `nps_clips` (one per answer): promoters
 * (9–10), passives (7–8), detractors (0–6), question heard, scored by a person, waiting for review.
 */
const NPS_COUNT_SUMS: ((answer: string) => string)[] = [
  (a) => `case when ${a}.value >= 9 then 1 else 0 end`,
  (a) => `case when ${a}.value >= 7 and ${a}.value < 9 then 1 else 0 end`,
  (a) => `case when ${a}.value < 7 then 1 else 0 end`,
  (a) => `${a}.question_heard`,
  (a) => `case when ${a}.value is not null and ${a}.source = 'human' then 1 else 0 end`,
  (a) => `${a}.needs_review`,
];

/** The first local day of the day, week (Monday) and month holding a local day, in SQL. */
function npsPeriodStarts(postgres: boolean): Record<'day' | 'week' | 'month', (day: string) => string> {
  return {
    day: (day) => day,
    week: (day) =>
      postgres
        ? `to_char(date_trunc('week', cast(${day} as date)), 'YYYY-MM-DD')`
        : `date(${day}, '-6 days', 'weekday 1')`,
    month: (day) => `substr(${day}, 1, 8) || '01'`,
  };
}

/**
 * The statements adding (`sign` 1) or taking back (-1) an answer's counts at its clip's day, week
 * and month, store and question. `answer` and `clip` name the rows (a trigger's `new` or `old`, or
 * a table read in `from`); nothing is written when `where` holds for no row.
 */
function npsCountBumps(postgres: boolean, sign: 1 | -1, answer: string, clip: string, from: string, where: string) {
  const counts = ['nps_clips', 'promoters', 'passives', 'detractors', 'heard', 'confirmed', 'to_review'];
  return Object.entries(npsPeriodStarts(postgres)).map(
    ([period, starts]) => `insert into nps_counts (period_kind, starts, store_id, question_id, ${counts.join(', ')})
    select '${period}', ${starts(`${clip}.local_day`)}, ${clip}.store_id, coalesce(${clip}.question_id, ''), ${sign},
      ${NPS_COUNT_SUMS.map((sum) => `${sign} * (${sum(answer)})`).join(', ')}
    from ${from}
    where ${where} and ${answer}.form = 'nps' and ${clip}.store_id is not null and ${clip}.local_day is not null
    on conflict (period_kind, starts, store_id, question_id) do update set
      ${counts.map((c) => `${c} = nps_counts.${c} + excluded.${c}`).join(', ')}`,
  );
}

/** A trigger run after each row an event touches, in the same transaction as the statement. */
interface RowTrigger {
  name: string;
  /** `insert on clips`, `update of a, b on answers`, … */
  event: string;
  /** A condition on `new` and `old`: the trigger runs only for rows where it holds. */
  when: string;
  statements: string[];
}

/** Creates triggers the same on both databases: PostgreSQL runs them as plpgsql functions. */
async function createRowTriggers(db: Kysely<unknown>, triggers: RowTrigger[]): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const trigger of triggers) {
    const statements = trigger.statements.map((s) => `${s};`).join('\n');
    if (postgres) {
      await sql
        .raw(
          `create function ${trigger.name}() returns trigger language plpgsql as $$ begin\n${statements}\nreturn null; end $$`,
        )
        .execute(db);
      await sql
        .raw(
          `create trigger ${trigger.name} after ${trigger.event} for each row when (${trigger.when}) execute function ${trigger.name}()`,
        )
        .execute(db);
    } else {
      await sql
        .raw(`create trigger ${trigger.name} after ${trigger.event} when ${trigger.when} begin\n${statements}\nend`)
        .execute(db);
    }
  }
}

/** A press time (ISO 8601, as clips keep it) in whole milliseconds since 1970, in SQLite. */
function pressMs(column: string): string {
  return `cast(round(unixepoch(${column}, 'subsec') * 1000) as integer)`;
}

/** The triggers that keep `nps_counts` equal to the answers and clips it counts. */
function npsCountTriggers(postgres: boolean): RowTrigger[] {
  const bumps = (sign: 1 | -1, answer: string, clip: string, from: string, where: string) =>
    npsCountBumps(postgres, sign, answer, clip, from, where);
  return [
    {
      name: 'nps_counts_answer_added',
      event: 'insert on answers',
      when: `new.form = 'nps'`,
      statements: bumps(1, 'new', 'clips', 'clips', 'clips.id = new.clip_id'),
    },
    {
      name: 'nps_counts_answer_changed',
      event: 'update of form, value, source, needs_review, question_heard, clip_id on answers',
      when: `old.form = 'nps' or new.form = 'nps'`,
      statements: [
        ...bumps(-1, 'old', 'clips', 'clips', 'clips.id = old.clip_id'),
        ...bumps(1, 'new', 'clips', 'clips', 'clips.id = new.clip_id'),
      ],
    },
    {
      name: 'nps_counts_answer_removed',
      event: 'delete on answers',
      when: `old.form = 'nps'`,
      statements: bumps(-1, 'old', 'clips', 'clips', 'clips.id = old.clip_id'),
    },
    {
      // A clip whose store, question or local day changes (a zone change rewrites local days).
      name: 'nps_counts_clip_moved',
      event: 'update of store_id, question_id, local_day on clips',
      when:
        'old.store_id is distinct from new.store_id or old.question_id is distinct from new.question_id' +
        ' or old.local_day is distinct from new.local_day',
      statements: [
        ...bumps(-1, 'answers', 'old', 'answers', 'answers.clip_id = old.id'),
        ...bumps(1, 'answers', 'new', 'answers', 'answers.clip_id = new.id'),
      ],
    },
    {
      // Answers are written after their clip; these two keep the counts right in any order.
      name: 'nps_counts_clip_added',
      event: 'insert on clips',
      when: 'new.store_id is not null',
      statements: bumps(1, 'answers', 'new', 'answers', 'answers.clip_id = new.id'),
    },
    {
      name: 'nps_counts_clip_removed',
      event: 'delete on clips',
      when: 'old.store_id is not null',
      statements: bumps(-1, 'answers', 'old', 'answers', 'answers.clip_id = old.id'),
    },
  ];
}

/** The two column types that SQLite and PostgreSQL spell differently. */
function portableTypes(db: Kysely<unknown>): {
  bytes: ColumnDataType;
  serialKey: Parameters<ReturnType<Kysely<unknown>['schema']['createTable']>['addColumn']>[2];
} {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return {
    bytes: postgres ? 'bytea' : 'blob',
    serialKey: postgres ? (c) => c.primaryKey().generatedByDefaultAsIdentity() : (c) => c.primaryKey().autoIncrement(),
  };
}

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
