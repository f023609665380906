import type { Selectable } from 'kysely';
import type { ServerConfig } from '../config/server-config.js';
import type { Database } from '../db/database.js';
import type { ButtonMapsTable } from '../db/schema.js';

/** Button number (as a string, "1".."99") -> question id. */
export type Buttons = Record<string, string>;

/**
 * What a version of a map says per button: a question id, or null: no question here, whatever a
 * wider scope maps (a device whose store maps three buttons may leave one of them out).
 */
export type ButtonsOfVersion = Record<string, string | null>;

export type MapScope = ButtonMapsTable['scope'];

export interface ButtonMapVersion {
  id: number;
  scope: MapScope;
  scopeId: string;
  effectiveFrom: string;
  buttons: ButtonsOfVersion;
}

/** What a press answers, as decided at the moment it was pressed. */
export interface PressMapping {
  questionId: string | undefined;
  storeId: string | undefined;
}

/** Versions in force since the beginning, so that clips older than any edit still resolve. */
const BEGINNING = new Date(0).toISOString();

/**
 * Which question a (device, button) press answers. Maps are versioned with an effective-from
 * time and never edited in place: a press resolves against the versions in force when it was
 * pressed, so a later change of the map does not re-file old clips. Per button, the device's map
 * wins over its store's, which wins over the default.
 */
export class ButtonMap {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async resolve(deviceId: string, button: number, pressedAt: Date): Promise<PressMapping> {
    const device = await this.db.selectFrom('devices').select('store_id').where('id', '=', deviceId).executeTakeFirst();
    const storeId = device?.store_id ?? undefined;
    const at = pressedAt.toISOString();
    const scopes: [MapScope, string][] = [['device', deviceId]];
    if (storeId) scopes.push(['store', storeId]);
    scopes.push(['default', '']);
    // The narrowest scope that names the button decides, a null ("none here") included.
    for (const [scope, scopeId] of scopes) {
      const buttons = (await this.versionAt(scope, scopeId, at))?.buttons ?? {};
      if (String(button) in buttons) return { questionId: buttons[String(button)] ?? undefined, storeId };
    }
    return { questionId: undefined, storeId };
  }

  /** Every mapped button of a device at a time, each resolved as a press would be (device, store, default). */
  async mappedAt(deviceId: string, at: Date = this.now()): Promise<Buttons> {
    const device = await this.db.selectFrom('devices').select('store_id').where('id', '=', deviceId).executeTakeFirst();
    const scopes: [MapScope, string][] = [['default', '']];
    if (device?.store_id) scopes.push(['store', device.store_id]);
    scopes.push(['device', deviceId]);
    const named: ButtonsOfVersion = {};
    // Narrowest last, so that it wins, its nulls too.
    for (const [scope, scopeId] of scopes)
      Object.assign(named, (await this.versionAt(scope, scopeId, at.toISOString()))?.buttons);
    return Object.fromEntries(Object.entries(named).filter((entry): entry is [string, string] => entry[1] !== null));
  }

  async versionAt(scope: MapScope, scopeId: string, at: string): Promise<ButtonMapVersion | undefined> {
    const row = await this.db
      .selectFrom('button_maps')
      .selectAll()
      .where('scope', '=', scope)
      .where('scope_id', '=', scopeId)
      .where('effective_from', '<=', at)
      .orderBy('effective_from', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toVersion(row) : undefined;
  }

  async versions(scope: MapScope, scopeId: string): Promise<ButtonMapVersion[]> {
    const rows = await this.db
      .selectFrom('button_maps')
      .selectAll()
      .where('scope', '=', scope)
      .where('scope_id', '=', scopeId)
      .orderBy('effective_from')
      .orderBy('id')
      .execute();
    return rows.map(toVersion);
  }

  async addVersion(
    scope: MapScope,
    scopeId: string,
    buttons: ButtonsOfVersion,
    effectiveFrom: Date = this.now(),
  ): Promise<ButtonMapVersion> {
    const row = await this.db
      .insertInto('button_maps')
      .values({
        scope,
        scope_id: scopeId,
        effective_from: effectiveFrom.toISOString(),
        buttons_json: JSON.stringify(buttons),
        created_at: this.now().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toVersion(row);
  }

  /**
   * Makes the maps say what the configuration says: a scope without versions gets one in force
   * since the beginning; a scope whose current version differs gets a new one from now on.
   */
  async seed(config: ServerConfig['buttonMap']): Promise<void> {
    const wanted: [MapScope, string, Buttons][] = [
      ['default', '', config.default],
      ...Object.entries(config.devices).map(([id, buttons]): [MapScope, string, Buttons] => ['device', id, buttons]),
    ];
    const now = this.now();
    for (const [scope, scopeId, buttons] of wanted) {
      const current = await this.versionAt(scope, scopeId, now.toISOString());
      const existing = current ?? (await this.versions(scope, scopeId)).at(-1);
      if (!existing) await this.addVersion(scope, scopeId, buttons, new Date(BEGINNING));
      else if (!sameButtons(existing.buttons, buttons)) await this.addVersion(scope, scopeId, buttons, now);
    }
  }
}

function sameButtons(a: ButtonsOfVersion, b: ButtonsOfVersion): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function toVersion(row: Selectable<ButtonMapsTable>): ButtonMapVersion {
  return {
    id: row.id,
    scope: row.scope,
    scopeId: row.scope_id,
    effectiveFrom: row.effective_from,
    buttons: JSON.parse(row.buttons_json) as ButtonsOfVersion,
  };
}
