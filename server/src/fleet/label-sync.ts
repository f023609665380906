import type { RemoteClipSettings } from '@earshot/shared/protocol';
import type { Logger } from '@earshot/shared/log';
import type { Static } from '@sinclair/typebox';
import type { Database } from '../db/database.js';
import type { ButtonMap, MapScope } from '../questions/button-map.js';
import { mappedButtons, withLabels } from './button-labels.js';
import type { ConfigPush } from './config-push.js';

type ClipSettings = Static<typeof RemoteClipSettings>;

/** Which devices a change of what the buttons mean may concern. */
export type LabelScope = { all: true } | { storeId: string } | { deviceId: string };

/** The devices a button map's scope concerns. */
export function labelScopeOf(scope: MapScope, scopeId: string): LabelScope {
  if (scope === 'default') return { all: true };
  return scope === 'store' ? { storeId: scopeId } : { deviceId: scopeId };
}

/**
 * A device learns which buttons answer a question, and their labels, from its pushed
 * configuration. When the map changes (a new map version in force, a question's text, a device
 * moved to another store, a store's language), each device concerned that has a pushed
 * configuration gets it again at once, over the settings its technician wrote, with the labels
 * of now: a newly mapped button presses, a button no longer mapped is refused. Devices whose
 * labels come out the same are left alone. A device never configured remotely keeps its own
 * configuration; its first push brings the map.
 */
export class LabelSync {
  constructor(
    private readonly db: Database,
    private readonly buttonMap: ButtonMap,
    private readonly configPush: ConfigPush,
    private readonly logger: Logger,
  ) {}

  /** Pushes where the labels changed; the number pushed. A failed push is logged, not thrown. */
  async sync(scope: LabelScope, by: string | null): Promise<number> {
    let latest = this.db
      .selectFrom('device_configs as c')
      .innerJoin('devices', 'devices.id', 'c.device_id')
      .select(['c.device_id', 'c.config_json', 'c.settings_json'])
      // A decommissioned device's configuration stays as it was (config-republisher.ts alike).
      .where('devices.decommissioned_at', 'is', null)
      .where('c.version', '=', (eb) =>
        eb
          .selectFrom('device_configs as d')
          .select((d) => d.fn.max('d.version').as('v'))
          .whereRef('d.device_id', '=', 'c.device_id'),
      );
    if ('storeId' in scope) latest = latest.where('devices.store_id', '=', scope.storeId);
    if ('deviceId' in scope) latest = latest.where('c.device_id', '=', scope.deviceId);
    let pushed = 0;
    for (const row of await latest.execute()) {
      try {
        const current = (JSON.parse(row.config_json) as { clips?: ClipSettings }).clips ?? {};
        // Pushes from before typed settings were kept: their labels are taken as the map's.
        const typed = row.settings_json
          ? ((JSON.parse(row.settings_json) as { clips?: ClipSettings }).clips ?? {})
          : withoutLabels(current);
        const clips = withLabels(typed, await mappedButtons(this.db, this.buttonMap, row.device_id));
        if (labelsOf(clips) === labelsOf(current)) continue;
        const config = await this.configPush.push(row.device_id, { clips }, by, { clips: typed });
        this.logger.info({ deviceId: row.device_id, version: config.version }, 'button labels pushed');
        pushed++;
      } catch (error) {
        this.logger.warn({ deviceId: row.device_id, err: error }, 'button labels not pushed');
      }
    }
    return pushed;
  }
}

function withoutLabels(clips: ClipSettings): ClipSettings {
  const perButton = Object.fromEntries(
    Object.entries(clips.perButton ?? {}).map(([button, { label: _label, ...window }]) => [button, window]),
  );
  return { ...clips, perButton };
}

function labelsOf(clips: ClipSettings): string {
  return JSON.stringify(
    Object.entries(clips.perButton ?? {})
      .filter(([, b]) => b.label)
      .map(([button, b]) => [button, b.label])
      .sort(),
  );
}
