import type { Logger } from '@earshot/shared/log';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Database } from '../db/database.js';
import type { DeviceReports } from './device-reports.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import { activeConditions, type AlertThresholds, alertChanges } from './alert-rules.js';
import type { OpeningHours } from './opening-hours.js';
import { msFromHours } from '../config/server-units.js';

export interface FleetMonitorOptions {
  db: Database;
  /** What devices reported: their heartbeats are read, and the history pruned, through it. */
  reports: DeviceReports;
  webhooks: Webhooks;
  thresholds: AlertThresholds;
  /** Heartbeats older than this are pruned from the history. */
  historyHours: number;
  logger: Logger;
  now?: () => number;
}

/**
 * Keeps the fleet's alerts true to what devices report: evaluated when a heartbeat or status
 * arrives and on a timer (an offline device sends nothing). Raising and resolving happen in one
 * transaction with their webhook events, and a partial unique index allows one open alert per
 * device and kind, so two evaluations racing (two server instances) raise it once.
 */
export class FleetMonitor {
  /**
   * Per device, a queue of one: evaluations of one device run one after another. One entry per
   * device this instance has heard of, as bounded as the fleet.
   */
  private readonly queues = new Map<string, LimitFunction>();
  /** Devices whose last evaluation failed: the next periodic pass takes them again. */
  private readonly failed = new Set<string>();
  private sweptAll = false;
  private readonly now: () => number;

  constructor(private readonly options: FleetMonitorOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Evaluates one device's alerts; never throws (a failure is logged and retried by the timer). */
  evaluate(deviceId: string): Promise<void> {
    let queue = this.queues.get(deviceId);
    if (!queue) {
      queue = pLimit(1);
      this.queues.set(deviceId, queue);
    }
    return queue(() =>
      this.evaluateNow(deviceId).then(
        () => void this.failed.delete(deviceId),
        (error: unknown) => {
          this.failed.add(deviceId);
          this.options.logger.warn({ deviceId, err: error }, 'fleet alert evaluation failed; retried by the timer');
        },
      ),
    );
  }

  /**
   * The periodic pass, then the history pruned. Only time changes the alerts of a device that
   * has not reported since its last evaluation, and only while it is offline (the offline
   * threshold, the store's opening hours); a heartbeat or status evaluates its device at once.
   * So after a first pass over the whole fleet (thresholds may differ from the last run's), the
   * timer takes offline devices, devices with an open alert and those whose evaluation failed,
   * not a thousand healthy devices every minute.
   */
  async evaluateAll(): Promise<void> {
    const { db } = this.options;
    const failed = [...this.failed];
    const devices = await db
      .selectFrom('devices')
      .select('id')
      .$if(this.sweptAll, (query) =>
        query.where((eb) =>
          eb.or([
            eb('state', '=', 'offline'),
            eb('id', 'in', db.selectFrom('device_alerts').select('device_id').where('resolved_at', 'is', null)),
            ...(failed.length > 0 ? [eb('id', 'in', failed)] : []),
          ]),
        ),
      )
      .execute();
    for (const { id } of devices) await this.evaluate(id);
    this.sweptAll = true;
    await this.options.reports.pruneHistory(new Date(this.now() - msFromHours(this.options.historyHours)));
  }

  private async evaluateNow(deviceId: string): Promise<void> {
    const { db, reports, thresholds, webhooks, logger } = this.options;
    const device = await db
      .selectFrom('devices')
      .leftJoin('stores', 'stores.id', 'devices.store_id')
      .select([
        'devices.state',
        'devices.state_changed_at',
        'devices.store_id',
        'stores.time_zone',
        'stores.opening_hours_json',
      ])
      .where('devices.id', '=', deviceId)
      .executeTakeFirst();
    if (!device) return;
    const heartbeats = await reports.recentHeartbeats(deviceId, thresholds.backlogHeartbeats + 1);
    const active = activeConditions(
      {
        state: device.state,
        stateChangedAt: device.state_changed_at,
        heartbeats,
        store:
          device.time_zone === null
            ? null
            : {
                timeZone: device.time_zone,
                openingHours:
                  device.opening_hours_json === null ? null : (JSON.parse(device.opening_hours_json) as OpeningHours),
              },
      },
      thresholds,
      this.now(),
    );
    const open = await db
      .selectFrom('device_alerts')
      .select(['id', 'kind', 'detail', 'raised_at'])
      .where('device_id', '=', deviceId)
      .where('resolved_at', 'is', null)
      .execute();
    const { raise, resolve } = alertChanges(open, active);
    if (raise.length === 0 && resolve.length === 0) return;
    const at = new Date(this.now()).toISOString();
    await db.transaction().execute(async (trx) => {
      for (const alert of raise) {
        await trx
          .insertInto('device_alerts')
          .values({ device_id: deviceId, kind: alert.kind, detail: alert.detail, raised_at: at, resolved_at: null })
          .execute();
        await webhooks.emit(trx, 'device.alert.raised', {
          deviceId,
          storeId: device.store_id,
          kind: alert.kind,
          detail: alert.detail,
          raisedAt: at,
        });
      }
      for (const alert of open.filter((a) => resolve.includes(a.kind))) {
        await trx.updateTable('device_alerts').set({ resolved_at: at }).where('id', '=', alert.id).execute();
        await webhooks.emit(trx, 'device.alert.resolved', {
          deviceId,
          storeId: device.store_id,
          kind: alert.kind,
          detail: alert.detail,
          raisedAt: alert.raised_at,
          resolvedAt: at,
        });
      }
    });
    for (const alert of raise) logger.warn({ deviceId, kind: alert.kind, detail: alert.detail }, 'fleet alert raised');
    for (const kind of resolve) logger.info({ deviceId, kind }, 'fleet alert resolved');
  }
}
