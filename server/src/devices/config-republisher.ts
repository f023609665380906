import type { Logger } from '@earshot/shared/log';
import type { Topics } from '@earshot/shared/protocol';
import type { Database } from '../db/database.js';
import type { Publish } from '../broker/broker-client.js';

/**
 * Publishes, retained, every live device's latest pushed configuration again. The embedded broker
 * keeps retained messages in memory only, so after a server restart a device would come back
 * with no configuration while the console still showed its last "applied". Run at start, once the
 * server's MQTT client is connected. Harmless on a broker that kept them: a device ignores a
 * configuration of the version it already applied. Decommissioned devices are left empty.
 */
export async function republishConfigs(
  db: Database,
  topics: Topics,
  publish: Publish,
  logger: Logger,
): Promise<number> {
  const latest = await db
    .selectFrom('device_configs as c')
    .leftJoin('devices as d', 'd.id', 'c.device_id')
    .select(['c.device_id', 'c.version', 'c.config_json'])
    .where('d.decommissioned_at', 'is', null)
    .where((eb) =>
      eb(
        'c.version',
        '=',
        eb
          .selectFrom('device_configs as newer')
          .select((n) => n.fn.max('newer.version').as('version'))
          .whereRef('newer.device_id', '=', 'c.device_id'),
      ),
    )
    .execute();
  for (const row of latest) {
    await publish(topics.config(row.device_id), row.config_json, { retain: true });
  }
  if (latest.length > 0) logger.info({ devices: latest.length }, 'pushed configurations republished (retained)');
  return latest.length;
}
