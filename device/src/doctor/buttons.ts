import { systemClock } from '../audio/clock.js';
import { createInputs } from '../buttons/create-inputs.js';
import { InputHub } from '../buttons/input-hub.js';
import type { CancelResult, PressResult, PressTarget } from '../buttons/press-endpoint.js';
import type { Check, CheckResult, DoctorContext } from './check.js';

/** What arrived from the buttons, in order. */
interface Arrival {
  button: number | 'cancel';
  input: string;
}

/** How long the inputs get to connect (a serial box's port opening) before the presses are asked for. */
const CONNECT_TIMEOUT_MS = 5000;

/** Stands in for the daemon behind the input hub: it records presses instead of cutting clips. */
class PressRecorder implements PressTarget {
  readonly arrivals: Arrival[] = [];
  private waiter: (() => void) | undefined;

  constructor(readonly buttons: number) {}

  press(button: number, input: string): PressResult {
    this.arrive({ button, input });
    const now = new Date().toISOString();
    return { clipId: 'doctor', startAt: now, endAt: now, truncated: false };
  }

  cancelLast(input: string): CancelResult {
    this.arrive({ button: 'cancel', input });
    return { cancelled: false, reason: 'self-test' };
  }

  status(): unknown {
    return { arrivals: this.arrivals };
  }

  /** Resolves at the next arrival or after `ms`, whichever comes first. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiter = done;
    });
  }

  private arrive(arrival: Arrival): void {
    this.arrivals.push(arrival);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const describe = (arrivals: Arrival[]) =>
  arrivals.map((a) => (a.button === 'cancel' ? `cancel (${a.input})` : `${a.button} (${a.input})`)).join(', ');

/**
 * Runs the configured inputs through the daemon's own input hub (gestures, debounce, rate limit)
 * and shows what arrives: interactively, asking for each button in turn; otherwise collecting
 * presses for a window of time.
 */
export const buttons: Check = {
  name: 'buttons',
  async run({ config, technician, logger, pressSeconds }: DoctorContext): Promise<CheckResult> {
    if (config.inputs.length === 0) {
      return { check: this.name, status: 'skip', summary: 'no button inputs configured (presses come over HTTP only)' };
    }
    const count = config.clips.buttons;
    const target = new PressRecorder(count);
    const { hubInputs } = createInputs(config.inputs, count, config.feedback, logger);
    const hub = new InputHub(hubInputs, target, systemClock, logger);
    try {
      await hub.start();
    } catch (error) {
      const message = (error as Error).message;
      const busy = /lock|busy|EBUSY|EAGAIN/i.test(message);
      return {
        check: this.name,
        status: 'fail',
        summary: `cannot open the button inputs: ${message}`,
        action: busy
          ? 'earshot-device holds them: sudo systemctl stop earshot-device, then run doctor again'
          : 'check the wiring and the inputs section of the configuration (paths, pins); the service user needs the gpio, dialout and input groups',
      };
    }
    try {
      const deadline = Date.now() + CONNECT_TIMEOUT_MS;
      while (hub.status().inputs.some((i) => !i.connected) && Date.now() < deadline) await sleep(100);
      const disconnected = hub.status().inputs.filter((i) => !i.connected);
      if (disconnected.length > 0) {
        const what = disconnected.map((i) => `${i.name}: ${i.detail ?? 'not connected'}`).join('; ');
        const busy = /lock|busy/i.test(what);
        return {
          check: this.name,
          status: 'fail',
          summary: `input not connected: ${what}`,
          action: busy
            ? 'earshot-device holds it: sudo systemctl stop earshot-device, then run doctor again'
            : 'check the cable and the path in the configuration (use /dev/serial/by-id/... for serial boxes)',
        };
      }
      return technician.interactive
        ? await askEachButton(this.name, target, count, pressSeconds, technician.say)
        : await collectPresses(this.name, target, pressSeconds, technician.say, hub);
    } finally {
      await hub.stop();
    }
  },
};

async function askEachButton(
  check: string,
  target: PressRecorder,
  count: number,
  seconds: number,
  say: (line: string) => void,
): Promise<CheckResult> {
  const wrong: string[] = [];
  const missing: number[] = [];
  for (let button = 1; button <= count; button++) {
    say(`press button ${button} (waiting ${seconds} s)`);
    const before = target.arrivals.length;
    await target.next(seconds * 1000);
    // Let a bounce or a second press that came along arrive too, to show it.
    await sleep(300);
    const arrived = target.arrivals.slice(before);
    if (arrived.length === 0) {
      say(`  nothing arrived for button ${button}`);
      missing.push(button);
    } else {
      say(`  arrived: ${describe(arrived)}`);
      if (arrived.some((a) => a.button !== button)) wrong.push(`${button} gave ${describe(arrived)}`);
    }
  }
  const details = { arrivals: target.arrivals, missing, wrong };
  if (missing.length === 0 && wrong.length === 0) {
    return { check, status: 'pass', summary: `all ${count} buttons arrived as themselves`, details };
  }
  return {
    check,
    status: 'fail',
    summary: [
      missing.length ? `no press from button ${missing.join(', ')}` : '',
      wrong.length ? `wrong button: ${wrong.join('; ')}` : '',
    ]
      .filter(Boolean)
      .join('; '),
    action:
      'check the wiring of those buttons and the button map (inputs[].pins, keys or buttons) in the configuration',
    details,
  };
}

async function collectPresses(
  check: string,
  target: PressRecorder,
  seconds: number,
  say: (line: string) => void,
  hub: InputHub,
): Promise<CheckResult> {
  say(`collecting button presses for ${seconds} s: press each button once`);
  await sleep(seconds * 1000);
  const conditions = hub.conditions();
  const details = { windowSeconds: seconds, arrivals: target.arrivals, conditions };
  if (conditions.length > 0) {
    return {
      check,
      status: 'fail',
      summary: conditions.map((c) => `${c.input} button ${c.button}: ${c.condition}`).join('; '),
      action: 'a stuck or chattering button: check the switch and its wiring',
      details,
    };
  }
  if (target.arrivals.length === 0) {
    return {
      check,
      status: 'warn',
      summary: `no press arrived in ${seconds} s`,
      action: 'press the buttons during the window (--press-seconds sets it); if you did, check their wiring',
      details,
    };
  }
  return { check, status: 'pass', summary: `arrived: ${describe(target.arrivals)}`, details };
}
