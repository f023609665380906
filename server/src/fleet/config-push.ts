import { type RemoteConfig, type Topics } from '@earshot/shared/protocol';
import type { Database } from '../db/database.js';
import type { Publish } from '../broker/broker-client.js';

/** A remote configuration without its version: the server numbers it. */
export type RemoteSettings = Omit<RemoteConfig, 'version'>;

/**
 * Pushes a configuration to a device: the next version (above anything pushed before and anything
 * the device reports), stored, then published retained on the device's `config` topic, so the
 * device gets it whenever it next connects. A push the broker did not take is not kept.
 */
export class ConfigPush {
  constructor(
    private readonly db: Database,
    private readonly topics: Topics,
    private readonly publish: Publish,
  ) {}

  /**
   * `typed`: the settings as the technician wrote them, when `settings` adds the button map's
   * labels to them; kept so that a changed map can be pushed again over them.
   */
  async push(
    deviceId: string,
    settings: RemoteSettings,
    by: string | null,
    typed?: RemoteSettings,
  ): Promise<RemoteConfig> {
    const config = await this.db.transaction().execute(async (trx) => {
      const pushed = await trx
        .selectFrom('device_configs')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      const state = await trx
        .selectFrom('device_config_states')
        .select('state_json')
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      const reported = state ? reportedVersion(state.state_json) : 0;
      const version = Math.max(Number(pushed?.version ?? 0), reported) + 1;
      const config: RemoteConfig = { version, ...settings };
      const json = JSON.stringify(config);
      await trx
        .insertInto('device_configs')
        .values({
          device_id: deviceId,
          version,
          config_json: json,
          settings_json: typed === undefined ? null : JSON.stringify(typed),
          created_at: new Date().toISOString(),
          created_by: by,
        })
        .execute();
      return config;
    });
    // Published after the commit, never inside the transaction: the server's MQTT client reads
    // this PUBACK only between message handlers, and a handler may be waiting for the database
    // connection the transaction holds (SQLite has one), which would deadlock both.
    try {
      await this.publish(this.topics.config(deviceId), JSON.stringify(config), { retain: true });
    } catch (error) {
      await this.db
        .deleteFrom('device_configs')
        .where('device_id', '=', deviceId)
        .where('version', '=', config.version)
        .execute();
      throw error;
    }
    return config;
  }
}

/** The highest version a device's config state mentions (an operator may have pushed one by hand). */
function reportedVersion(stateJson: string): number {
  const state = JSON.parse(stateJson) as { version: number | null; appliedVersion?: number | null };
  return Math.max(state.version ?? 0, state.appliedVersion ?? 0);
}
