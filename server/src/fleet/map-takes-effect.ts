import type { Logger } from '@earshot/shared/log';
import type { Database } from '../db/database.js';
import { type LabelSync, labelScopeOf } from './label-sync.js';

/** Timers further out than this are set again when they fire (Node's limit is about 24.8 days). */
const MAX_DELAY_MS = 24 * 3_600_000;
/** After a failed push (the database away), the due versions are tried again this much later. */
const RETRY_MS = 60_000;

/** The clock and timer, injected so that a test need not wait for the time a version names. */
export interface Timers {
  now(): Date;
  setTimeout(run: () => void, ms: number): object;
  clearTimeout(timer: object): void;
}

const REAL_TIMERS: Timers = {
  now: () => new Date(),
  // A pending push does not keep the process alive: the next start sets it again.
  setTimeout: (run, ms) => setTimeout(run, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/**
 * A map version dated in the future changes what the buttons mean when its time comes, not when
 * it was written: the devices it concerns get their labels then (LabelSync). One timer, for the
 * next version to take effect; set again after it fires and whenever a version is added. A
 * version already in force when written is pushed by its route.
 */
export class MapTakesEffect {
  private timer: object | undefined;
  /** Versions taking effect after this instant are still to push. */
  private since: string;
  private closed = false;
  private running = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly labels: LabelSync,
    private readonly logger: Logger,
    private readonly timers: Timers = REAL_TIMERS,
  ) {
    this.since = timers.now().toISOString();
  }

  /**
   * At the server's start: pushes labels where they differ from the maps in force (a version that
   * took effect while the server was down has had no timer), then sets the timer.
   */
  async start(): Promise<void> {
    try {
      const pushed = await this.labels.sync({ all: true }, null);
      if (pushed > 0) this.logger.info({ devices: pushed }, 'button labels brought up to the maps in force at start');
    } catch (error) {
      this.logger.warn({ err: error }, 'button labels not checked at start; the next map change pushes them');
    }
    await this.arm();
  }

  /** Sets the timer for the next version to take effect (none: no timer). */
  async arm(): Promise<void> {
    if (this.closed) return;
    const next = await this.db
      .selectFrom('button_maps')
      .select('effective_from')
      .where('effective_from', '>', this.since)
      .orderBy('effective_from')
      .limit(1)
      .executeTakeFirst();
    if (this.timer) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!next || this.closed) return;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, Date.parse(next.effective_from) - this.timers.now().getTime()));
    this.schedule(delay);
  }

  private schedule(delay: number): void {
    this.timer = this.timers.setTimeout(() => {
      this.running = this.running.then(() =>
        this.fire().catch((error: unknown) => {
          // The database was away: the versions stay due (`since` did not move); try again later.
          this.logger.warn({ err: error }, 'button labels of a map taking effect not pushed; trying again in a minute');
          if (!this.closed) this.schedule(RETRY_MS);
        }),
      );
    }, delay);
  }

  /** Pushes the labels of every version that has taken effect since the last time, then re-arms. */
  async fire(): Promise<void> {
    if (this.closed) return;
    const now = this.timers.now().toISOString();
    const due = await this.db
      .selectFrom('button_maps')
      .select(['scope', 'scope_id', 'effective_from'])
      .where('effective_from', '>', this.since)
      .where('effective_from', '<=', now)
      .orderBy('effective_from')
      .execute();
    const scopes = new Map(
      due.map((version) => [`${version.scope}/${version.scope_id}`, labelScopeOf(version.scope, version.scope_id)]),
    );
    for (const [name, scope] of scopes) {
      this.logger.info({ map: name }, 'a button map version took effect: pushing labels');
      await this.labels.sync(scope, null);
    }
    this.since = now;
    await this.arm();
  }

  /** Stops the timer; a push under way finishes. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
