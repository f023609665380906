import { join } from 'node:path';
import { Outbox } from '../outbox/outbox.js';
import type { Check, CheckResult, DoctorContext } from './check.js';

/** Clips waiting for delivery: a few is normal, many means the uplink has not worked for a while. */
const BACKLOG_WARN_CLIPS = 20;

export const outboxBacklog: Check = {
  name: 'outbox',
  async run({ config }: DoctorContext): Promise<CheckResult> {
    const dir = join(config.stateDir, 'outbox');
    let backlog: { clips: number; bytes: number };
    try {
      backlog = await Outbox.survey(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { check: this.name, status: 'pass', summary: 'empty (the daemon has not run here yet)' };
      }
      return {
        check: this.name,
        status: 'fail',
        summary: `cannot read ${dir}: ${(error as Error).message}`,
        action: 'run doctor as the service user: sudo -u earshot ...',
      };
    }
    const quotaBytes = config.outbox.quotaMegabytes * 1024 * 1024;
    const details = { ...backlog, quotaBytes };
    const summary = `${backlog.clips} clip(s) waiting, ${Math.round(backlog.bytes / 1024)} KB of ${config.outbox.quotaMegabytes} MB`;
    if (backlog.bytes >= quotaBytes) {
      return {
        check: this.name,
        status: 'fail',
        summary: `${summary}: full, new clips are refused`,
        action: 'get the broker connection working (see the broker check): the backlog then drains by itself',
        details,
      };
    }
    if (backlog.clips >= BACKLOG_WARN_CLIPS) {
      return {
        check: this.name,
        status: 'warn',
        summary: `${summary}: a backlog`,
        action:
          'the uplink has not delivered for a while: see the broker check, and the journal (journalctl -u earshot-device)',
        details,
      };
    }
    return { check: this.name, status: 'pass', summary, details };
  },
};
