import { constants } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import type { Check, CheckResult, DoctorContext } from './check.js';

const MB = 1024 * 1024;
/** Below this the daemon cannot store even a few clips. */
const FAIL_BELOW_BYTES = 100 * MB;

/** Free space and write access where the daemon keeps its outbox. */
export const disk: Check = {
  name: 'disk',
  async run({ config }: DoctorContext): Promise<CheckResult> {
    const dir = config.stateDir;
    try {
      await access(dir, constants.W_OK);
    } catch (error) {
      return {
        check: this.name,
        status: 'fail',
        summary:
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `the state directory ${dir} does not exist`
            : `cannot write the state directory ${dir}: ${(error as Error).message}`,
        action: `run doctor as the service user (sudo -u earshot ...), or create it: sudo install -d -o earshot -g earshot -m 750 ${dir}`,
      };
    }
    const fs = await statfs(dir);
    const freeBytes = fs.bavail * fs.bsize;
    const quotaBytes = config.outbox.quotaMegabytes * MB;
    const details = { stateDir: dir, freeBytes, totalBytes: fs.blocks * fs.bsize, outboxQuotaBytes: quotaBytes };
    const summary = `${Math.round(freeBytes / MB)} MB free in ${dir}`;
    if (freeBytes < FAIL_BELOW_BYTES) {
      return {
        check: this.name,
        status: 'fail',
        summary: `${summary}: too little to keep clips`,
        action: 'free space (sudo apt-get clean; old logs: journalctl --vacuum-size=50M) or use a larger SD card',
        details,
      };
    }
    if (freeBytes < quotaBytes) {
      return {
        check: this.name,
        status: 'warn',
        summary: `${summary}: less than the outbox quota (${config.outbox.quotaMegabytes} MB)`,
        action: 'lower outbox.quotaMegabytes or free space, so a long outage fills the quota, not the disk',
        details,
      };
    }
    return { check: this.name, status: 'pass', summary, details };
  },
};
