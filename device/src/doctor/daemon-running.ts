import type { Check, CheckResult, DoctorContext } from './check.js';

/**
 * Whether earshot-device itself is running (its local press endpoint answers): it then holds the
 * microphone and the button inputs, so the checks that need them may find them busy.
 */
export const daemonRunning: Check = {
  name: 'daemon',
  async run({ config }: DoctorContext): Promise<CheckResult> {
    const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
    const url = `http://${host}:${config.http.port}/api/v1/status`;
    let running: boolean;
    try {
      running = (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
    } catch {
      running = false;
    }
    return running
      ? {
          check: this.name,
          status: 'warn',
          summary: `earshot-device is running (${url} answers): it may hold the microphone and the buttons`,
          action: 'for a full self-test stop it first: sudo systemctl stop earshot-device (start it again after)',
          details: { running },
        }
      : { check: this.name, status: 'pass', summary: 'earshot-device is not running: the hardware is free to test' };
  },
};
