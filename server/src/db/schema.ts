import type { Generated } from 'kysely';

/**
 * Tables as Kysely sees them. Times are ISO-8601 UTC strings: they sort as text and read the
 * same in SQLite and PostgreSQL.
 */
export interface DatabaseSchema {
  devices: DevicesTable;
  questions: QuestionsTable;
  transfers: TransfersTable;
  transfer_chunks: TransferChunksTable;
  clips: ClipsTable;
  jobs: JobsTable;
  mqtt_accounts: MqttAccountsTable;
  device_heartbeats: DeviceHeartbeatsTable;
  device_config_states: DeviceConfigStatesTable;
}

export interface DevicesTable {
  id: string;
  state: 'online' | 'offline' | 'unknown';
  version: string | null;
  state_changed_at: string;
  last_seen_at: string;
}

export interface QuestionsTable {
  id: string;
  kind: string;
  text_en: string;
  text_ru: string | null;
}

/** A clip upload in progress: its init message, until fin stores the clip. */
export interface TransfersTable {
  device_id: string;
  clip_id: string;
  init_json: string;
  /** Whole-clip resends asked for after a sha256 mismatch. */
  resends: number;
  created_at: string;
}

export interface TransferChunksTable {
  device_id: string;
  clip_id: string;
  offset: number;
  data: Buffer;
}

export interface ClipsTable {
  id: string;
  device_id: string;
  button: number;
  question_id: string | null;
  pressed_at: string;
  start_at: string;
  end_at: string;
  duration_ms: number;
  sample_rate: number;
  channels: number;
  container: string;
  codec: string;
  size: number;
  sha256: string;
  storage_key: string;
  truncated: number;
  gaps_json: string;
  meta_json: string;
  status: 'received' | 'transcribing' | 'transcribed' | 'failed';
  received_at: string;
}

export interface JobsTable {
  id: Generated<number>;
  queue: string;
  payload_json: string;
  state: 'queued' | 'active' | 'done' | 'dead';
  attempts: number;
  run_at: string;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** MQTT credentials (see devices/mqtt-accounts.ts); hashes in Mosquitto's `$7$` format. */
export interface MqttAccountsTable {
  username: string;
  role: 'device' | 'server';
  password_hash: string;
  created_at: string;
  revoked_at: string | null;
}

/** The last heartbeat of each device, as sent. */
export interface DeviceHeartbeatsTable {
  device_id: string;
  heartbeat_json: string;
  received_at: string;
}

/** The last answer of each device to its remote configuration (applied or rejected). */
export interface DeviceConfigStatesTable {
  device_id: string;
  state_json: string;
  received_at: string;
}
