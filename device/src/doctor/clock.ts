import { ClockSyncProbe } from '../audio/clock-sync.js';
import type { Check, CheckResult, DoctorContext } from './check.js';

/** Whether the clock is synchronised (timedatectl, chrony): clips are labelled with it. */
export const clock: Check = {
  name: 'clock',
  async run(_context: DoctorContext): Promise<CheckResult> {
    const sync = await new ClockSyncProbe().refresh();
    const offset = sync.offsetMs === undefined ? '' : ` (offset ${sync.offsetMs} ms)`;
    const details = { ...sync, now: new Date().toISOString() };
    if (sync.synchronized === true) {
      return { check: this.name, status: 'pass', summary: `synchronised${offset}`, details };
    }
    if (sync.synchronized === false) {
      return {
        check: this.name,
        status: 'fail',
        summary: `not synchronised${offset}: clip times will be wrong`,
        action: 'let NTP through the network (UDP 123) and check timedatectl; a Pi has no battery clock',
        details,
      };
    }
    return {
      check: this.name,
      status: 'warn',
      summary: 'unknown: neither timedatectl nor chronyc answered',
      action: 'run timedatectl to see whether the clock is synchronised',
      details,
    };
  },
};
