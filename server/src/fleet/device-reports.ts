import type { Logger } from '@earshot/shared/log';
import { type DeviceHeartbeat, decoders, MessageError } from '@earshot/shared/protocol';
import type { Database } from '../db/database.js';
import { ReportBatch } from './report-batch.js';

export interface DeviceReportsOptions {
  db: Database;
  logger: Logger;
  now?: () => number;
  /** Statuses and heartbeats are committed in groups, at most this long after the first (ms). */
  commitDelayMs?: number;
}

/** Long enough to gather a busy fleet's reports into one commit, short next to any heartbeat. */
const COMMIT_DELAY_MS = 100;

/** Told that a device's state or heartbeat changed (the fleet monitor evaluates its alerts). */
export type ReportListener = (deviceId: string) => void;

/**
 * The one writer of what devices report about themselves: `devices` (online/offline, version),
 * `device_heartbeats` (the latest) with `device_heartbeat_history`, and `device_config_states`.
 * Malformed reports are logged and dropped: a device cannot fix them by sending them again.
 */
export class DeviceReports {
  private readonly listeners: ReportListener[] = [];
  private readonly now: () => number;
  private readonly batch: ReportBatch;

  constructor(private readonly options: DeviceReportsOptions) {
    this.now = options.now ?? Date.now;
    this.batch = new ReportBatch(options.db, options.commitDelayMs ?? COMMIT_DELAY_MS, (deviceIds) => {
      for (const deviceId of deviceIds) for (const listener of this.listeners) listener(deviceId);
    });
  }

  /** Commits the statuses and heartbeats still queued (at shutdown). */
  flush(): Promise<void> {
    return this.batch.flush();
  }

  /** Adds a listener; the fleet monitor registers after it has been built on these reports. */
  listen(listener: ReportListener): void {
    this.listeners.push(listener);
  }

  /** Resolves once committed, which is within the commit delay (see ReportBatch). */
  async status(deviceId: string, payload: Buffer): Promise<void> {
    // An empty retained message clears the topic; it carries no state.
    if (payload.length === 0) return;
    const status = this.decode(deviceId, 'device status', () => decoders.deviceStatus.decode(payload));
    if (!status) return;
    const { state } = status;
    const version = status.version ?? null;
    const now = new Date(this.now()).toISOString();
    await this.batch.add(deviceId, async (trx) => {
      await trx
        .insertInto('devices')
        .values({ id: deviceId, state, version, state_changed_at: now, last_seen_at: now })
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet((eb) => ({
              state,
              version: version ?? eb.ref('devices.version'),
              // "Offline since" means since it went offline, not since the last repeat of it.
              state_changed_at: eb
                .case()
                .when('devices.state', '=', state)
                .then(eb.ref('devices.state_changed_at'))
                .else(now)
                .end(),
              last_seen_at: now,
            }))
            // A decommissioned device stays offline: its last "online", still in flight when it was
            // taken out of service, must not bring it back in the console.
            .where('devices.decommissioned_at', 'is', null),
        )
        .execute();
    });
  }

  /** Keeps the latest heartbeat and adds it to the history; resolves once committed. */
  async heartbeat(deviceId: string, payload: Buffer): Promise<void> {
    const heartbeat = this.decode(deviceId, 'heartbeat', () => decoders.deviceHeartbeat.decode(payload));
    if (!heartbeat) return;
    const row = {
      device_id: deviceId,
      // As decoded: the fields of a newer device that this server does not know are not kept.
      heartbeat_json: JSON.stringify(heartbeat),
      received_at: new Date(this.now()).toISOString(),
    };
    await this.batch.add(deviceId, async (trx) => {
      await trx
        .insertInto('device_heartbeats')
        .values(row)
        .onConflict((oc) =>
          oc.column('device_id').doUpdateSet({ heartbeat_json: row.heartbeat_json, received_at: row.received_at }),
        )
        .execute();
      await trx.insertInto('device_heartbeat_history').values(row).execute();
    });
  }

  async configState(deviceId: string, payload: Buffer): Promise<void> {
    if (payload.length === 0) return;
    const state = this.decode(deviceId, 'config state', () => decoders.configState.decode(payload));
    if (!state) return;
    if (state.status === 'rejected') {
      this.options.logger.warn(
        { deviceId, version: state.version, reason: state.reason },
        'device rejected its configuration',
      );
    }
    const row = {
      device_id: deviceId,
      state_json: JSON.stringify(state),
      received_at: new Date(this.now()).toISOString(),
    };
    await this.options.db
      .insertInto('device_config_states')
      .values(row)
      .onConflict((oc) =>
        oc.column('device_id').doUpdateSet({ state_json: row.state_json, received_at: row.received_at }),
      )
      .execute();
  }

  /**
   * The device's last `count` heartbeats, oldest first. When the history has been pruned (a
   * device silent for long) its last word still stands.
   */
  async recentHeartbeats(deviceId: string, count: number): Promise<DeviceHeartbeat[]> {
    const { db } = this.options;
    const rows = await db
      .selectFrom('device_heartbeat_history')
      .select('heartbeat_json')
      .where('device_id', '=', deviceId)
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(count)
      .execute();
    if (rows.length === 0) {
      const latest = await db
        .selectFrom('device_heartbeats')
        .select('heartbeat_json')
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      if (latest) rows.push(latest);
    }
    const heartbeats: DeviceHeartbeat[] = [];
    for (const row of rows.reverse()) {
      try {
        heartbeats.push(decoders.deviceHeartbeat.decode(row.heartbeat_json));
      } catch {
        // Stored before a schema change: not evidence of anything now.
      }
    }
    return heartbeats;
  }

  /** Drops heartbeats received before `cutoff` from the history (the latest stays). */
  async pruneHistory(cutoff: Date): Promise<void> {
    await this.options.db
      .deleteFrom('device_heartbeat_history')
      .where('received_at', '<', cutoff.toISOString())
      .execute();
  }

  private decode<T>(deviceId: string, what: string, decode: () => T): T | undefined {
    try {
      return decode();
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
      this.options.logger.warn({ deviceId, problem: error.message }, `malformed ${what} ignored`);
      return undefined;
    }
  }
}
