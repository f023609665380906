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
  stores: StoresTable;
  button_maps: ButtonMapsTable;
  transcripts: TranscriptsTable;
  transcripts_fts: TranscriptsFtsTable;
  answers: AnswersTable;
  users: UsersTable;
  user_stores: UserStoresTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  destruction_acts: DestructionActsTable;
  checklists: ChecklistsTable;
  clip_scorecards: ClipScorecardsTable;
  mqtt_accounts: MqttAccountsTable;
  device_heartbeats: DeviceHeartbeatsTable;
  device_config_states: DeviceConfigStatesTable;
  claim_tokens: ClaimTokensTable;
  device_heartbeat_history: DeviceHeartbeatHistoryTable;
  device_alerts: DeviceAlertsTable;
  device_configs: DeviceConfigsTable;
  clip_notes: ClipNotesTable;
  clip_follow_ups: ClipFollowUpsTable;
  nps_counts: NpsCountsTable;
  clip_counts: ClipCountsTable;
  device_hour_counts: DeviceHourCountsTable;
}

export interface DevicesTable {
  id: string;
  state: 'online' | 'offline' | 'unknown';
  version: string | null;
  state_changed_at: string;
  last_seen_at: string;
  store_id: string | null;
  name: string | null;
  /** Set when the device was taken out of service: its credentials are revoked, its clips kept. */
  decommissioned_at: string | null;
  /** Its latest clip's arrival and latest press, kept by a trigger on clips (migration 0020). */
  last_clip_at: string | null;
  last_press_at: string | null;
}

export interface QuestionsTable {
  id: string;
  kind: string;
  text_en: string;
  text_ru: string | null;
  /** Days a clip of this question is kept; null: the configured default. */
  retention_days: Generated<number | null>;
  /** AnswerSettings (answers/answer.ts) as JSON; null: the defaults. */
  answer_settings_json: Generated<string | null>;
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
  status: ClipStatus;
  received_at: string;
  store_id: string | null;
  /** `device` for clips sent by a device, `import` for clips cut from an uploaded recording. */
  source: Generated<string>;
  /** 1: exempt from retention and erasure until released. */
  legal_hold: Generated<number>;
  /**
   * The press's day (YYYY-MM-DD) and hour in its store's zone (clips/press-local-time.ts); null
   * when the clip has no store.
   */
  local_day: string | null;
  local_hour: number | null;
}

export type ClipStatus = 'received' | 'transcribing' | 'transcribed' | 'failed';

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

export interface StoresTable {
  id: string;
  name: string;
  location: string | null;
  /** IANA time zone, e.g. Europe/Moscow. */
  time_zone: string;
  /** BCP 47 tag, e.g. ru-RU: picks the transcription engine and its language. */
  language: string;
  created_at: string;
  /** OpeningHours JSON (fleet/opening-hours.ts) in the store's time zone; null: always open. */
  opening_hours_json: Generated<string | null>;
}

/**
 * One version of a button map. A press uses, per button, the device's newest version in force at
 * the press time, else its store's, else the default's (scope `default`, scope_id '').
 */
export interface ButtonMapsTable {
  id: Generated<number>;
  scope: 'default' | 'store' | 'device';
  scope_id: string;
  effective_from: string;
  /** Button number (as a string) -> question id. */
  buttons_json: string;
  created_at: string;
}

/**
 * SQLite only: the transcripts' FTS5 text index (migrations 0005, 0022), kept by triggers. Its
 * rowid is the match's key by press time (clips/text-search.ts), beyond what a JS number holds
 * exactly: compared in SQL, never read.
 */
export interface TranscriptsFtsTable {
  rowid: number;
  text: string;
  clip_id: string;
}

/**
 * Also kept by triggers and read only in SQL: SQLite's `search_key` (the transcript's key in its
 * text index, migration 0022) and PostgreSQL's `pressed_at` (its clip's press time, 0023).
 */
export interface TranscriptsTable {
  clip_id: string;
  engine: string;
  language: string;
  text: string;
  /** [{ word, startMs, endMs, confidence }] */
  words_json: string;
  duration_ms: number;
  created_at: string;
}

/** A clip's answer: the machine's reading and a person's, and the one in force. */
export interface AnswersTable {
  clip_id: string;
  form: 'nps' | 'csat' | 'yes_no' | 'text';
  /** The answer in force: the person's when given, else the machine's unless it needs review. */
  value: number | null;
  /** Who gave `value`: 'human' | 'machine'; null when there is none. */
  source: 'human' | 'machine' | null;
  /** 1: the machine was unsure (or contradicted itself) and no person has answered yet. */
  needs_review: Generated<number>;
  question_heard: Generated<number>;
  machine_value: number | null;
  machine_confidence: Generated<number>;
  /** MachineAnswer (answers/answer.ts) as JSON. */
  machine_json: string;
  human_value: number | null;
  /** 1: a person listened and found no answer given. */
  human_declined: Generated<number>;
  /** The user id of the person who answered. */
  human_by: string | null;
  human_at: string | null;
  read_at: string;
  /** The clip's press time, copied so that the list sorted by score pages by one index. */
  pressed_at: string | null;
  /** The clip's store, copied so that a store's list sorted by score pages by one index. */
  store_id: Generated<string | null>;
}

export interface UsersTable {
  id: string;
  username: string;
  role: 'admin' | 'technician' | 'manager';
  /** Null for an account that signs in with API tokens only. */
  password_hash: string | null;
  created_at: string;
  disabled_at: string | null;
}

export interface UserStoresTable {
  user_id: string;
  store_id: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

/** Append-only: triggers refuse UPDATE and DELETE. */
export interface AuditEventsTable {
  id: Generated<number>;
  at: string;
  user_id: string | null;
  username: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  store_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details_json: string;
}

/** One destruction of clips (retention purge or erasure request), kept as its record. */
export interface DestructionActsTable {
  id: Generated<number>;
  at: string;
  reason: 'retention' | 'erasure';
  requested_by: string | null;
  scope_json: string;
  clip_count: number;
  clip_ids_json: string;
  /** Clips in scope kept because of a legal hold. */
  held_ids_json: string;
}

/** A checklist managers score clips of one question against ("greeted the customer", …). */
export interface ChecklistsTable {
  id: string;
  question_id: string;
  name: string;
  /** [{ id, text: { en, ru } }]: item ids stay stable so that old scores keep their meaning. */
  items_json: string;
  updated_at: string;
  /** When an admin retired it: no longer offered for scoring; earlier scorecards stay. */
  retired_at: string | null;
}

/** One manager's answers for one clip against one checklist. */
export interface ClipScorecardsTable {
  clip_id: string;
  checklist_id: string;
  user_id: string;
  /** { itemId: 'yes' | 'no' | 'unsure' } */
  answers_json: string;
  comment: string | null;
  scored_at: string;
}

/** A manager's note on a clip ("called back, happy now"); kept with the clip, destroyed with it. */
export interface ClipNotesTable {
  id: Generated<number>;
  clip_id: string;
  author_id: string;
  /** The author's username when written: the note still says who wrote it if the user goes. */
  author_name: string;
  body: string;
  created_at: string;
}

/** A clip someone has to act on (a detractor to call back): one row while the flag is set. */
export interface ClipFollowUpsTable {
  clip_id: string;
  set_by: string;
  set_at: string;
}

/** MQTT credentials (see devices/mqtt-accounts.ts); hashes in Mosquitto's `$7$` format. */
export interface MqttAccountsTable {
  username: string;
  role: 'device' | 'server';
  password_hash: string;
  created_at: string;
  revoked_at: string | null;
  /** A rotated password not yet used: both work until the device logs in with this one. */
  pending_password_hash: string | null;
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

/** One-time enrolment tokens (see devices/claim-tokens.ts); only a hash of each is stored. */
export interface ClaimTokensTable {
  token_hash: string;
  device_id: string;
  /** The user who made it. */
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** Hash of the enrolling device's request id: the same device may retry a claim it lost the answer to. */
  request_hash: string | null;
}

/** Every heartbeat of the last `fleet.historyHours`, for the technician's chart; pruned. */
export interface DeviceHeartbeatHistoryTable {
  id: Generated<number>;
  device_id: string;
  received_at: string;
  heartbeat_json: string;
}

/** One fleet alert: raised once when its condition starts, resolved when it clears. */
export interface DeviceAlertsTable {
  id: Generated<number>;
  device_id: string;
  kind: string;
  detail: string;
  raised_at: string;
  resolved_at: string | null;
}

/** Every remote configuration pushed to a device; the highest version is the one retained. */
export interface DeviceConfigsTable {
  device_id: string;
  version: number;
  config_json: string;
  /** The settings as the technician pushed them, without the button map's labels. */
  settings_json: string | null;
  created_at: string;
  created_by: string | null;
}

/**
 * NPS counts per store, question (question_id '' for clips filed under none) and local day, week
 * or month, kept by triggers (migration 0018) equal to the NPS answers of clips with a store.
 */
export interface NpsCountsTable {
  period_kind: 'day' | 'week' | 'month';
  /** The period's first local day (YYYY-MM-DD): the day, the week's Monday, the month's 1st. */
  starts: string;
  store_id: string;
  question_id: string;
  /** NPS answers read, with or without a score. */
  nps_clips: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** Of nps_clips, those where the question was heard asked. */
  heard: number;
  /** Scored answers a person gave or confirmed. */
  confirmed: number;
  to_review: number;
}

/** Clips per local day, store, question and status (migration 0024), kept by triggers on clips. */
export interface ClipCountsTable {
  /** The clips' day in their store's zone (YYYY-MM-DD). */
  local_day: string;
  store_id: string;
  /** '' for clips of no question. */
  question_id: string;
  status: ClipStatus;
  /** Zero once a day's last clip of that store, question and status is gone. */
  clips: number;
}

/** A store's device's presses in each local hour of a local day (migration 0025), kept by triggers on clips. */
export type DeviceHourCountsTable = {
  local_day: string;
  store_id: string;
  device_id: string;
} & Record<`h${number}`, number>;
