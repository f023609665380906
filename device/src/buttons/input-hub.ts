import type { Logger } from '@earshot/shared/log';
import type { Clock } from '../audio/clock.js';
import type { ButtonInput, InputHealth } from './button-input.js';
import { UnmappedButtonError } from './button-map.js';
import { ButtonGesture, type GestureCondition, type GestureEvent, type GestureOptions, RateLimit } from './gesture.js';
import type { PressTarget } from './press-endpoint.js';

export interface HubInput {
  input: ButtonInput;
  /** Absent for inputs that report whole presses only. */
  gesture?: GestureOptions;
  rate: { maxPresses: number; perMs: number };
}

export interface ButtonCondition {
  input: string;
  button: number;
  condition: Exclude<GestureCondition, 'ok'> | 'rate-limited';
}

interface Lane {
  input: ButtonInput;
  gestureOptions: GestureOptions | undefined;
  gestures: Map<number, ButtonGesture>;
  rate: { maxPresses: number; perMs: number };
  limits: Map<number, RateLimit>;
}

/**
 * Runs the physical inputs and turns what they report into calls of the daemon's one press path,
 * through each button's gesture logic (debounce, hold, cancel, stuck, chatter) and rate limit.
 */
export class InputHub {
  private readonly lanes: Lane[];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    inputs: HubInput[],
    private readonly target: PressTarget,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** A press the hub itself dropped (rate limit): the daemon never saw it, but staff should. */
    private readonly onDropped: () => void = () => {},
  ) {
    this.lanes = inputs.map(({ input, gesture, rate }) => ({
      input,
      gestureOptions: gesture,
      gestures: new Map(),
      rate,
      limits: new Map(),
    }));
  }

  /** Starts every input; if one cannot start, those already started are stopped again. */
  async start(): Promise<void> {
    const started: ButtonInput[] = [];
    try {
      for (const lane of this.lanes) {
        await lane.input.start({
          edge: (button, pressed) => this.edge(lane, button, pressed),
          press: (button) => this.press(lane, button),
          cancel: () => this.cancel(lane),
        });
        started.push(lane.input);
        this.logger.info({ input: lane.input.name }, 'button input started');
      }
    } catch (error) {
      this.stopped = true;
      await Promise.all(started.map((input) => input.stop()));
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.lanes.map((lane) => lane.input.stop()));
  }

  /** Buttons that are stuck, chattering or rate-limited right now. */
  conditions(): ButtonCondition[] {
    const now = this.clock.monotonicMs();
    const found: ButtonCondition[] = [];
    for (const lane of this.lanes) {
      for (const [button, gesture] of lane.gestures) {
        if (gesture.condition !== 'ok') found.push({ input: lane.input.name, button, condition: gesture.condition });
      }
      for (const [button, limit] of lane.limits) {
        if (limit.limited(now)) found.push({ input: lane.input.name, button, condition: 'rate-limited' });
      }
    }
    return found;
  }

  status(): { inputs: (InputHealth & { name: string })[]; conditions: ButtonCondition[] } {
    return {
      inputs: this.lanes.map((lane) => ({ name: lane.input.name, ...lane.input.health() })),
      conditions: this.conditions(),
    };
  }

  private edge(lane: Lane, button: number, pressed: boolean): void {
    if (this.stopped) return;
    if (!lane.gestureOptions) {
      if (pressed) this.press(lane, button);
      return;
    }
    let gesture = lane.gestures.get(button);
    if (!gesture) {
      gesture = new ButtonGesture(lane.gestureOptions);
      lane.gestures.set(button, gesture);
    }
    this.apply(lane, button, gesture.edge(pressed, this.clock.monotonicMs()));
    this.schedule();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const now = this.clock.monotonicMs();
    for (const lane of this.lanes) {
      for (const [button, gesture] of lane.gestures) this.apply(lane, button, gesture.tick(now));
    }
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    let next = Infinity;
    for (const lane of this.lanes) {
      for (const gesture of lane.gestures.values()) next = Math.min(next, gesture.nextDeadline() ?? Infinity);
    }
    if (next === Infinity) return;
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - this.clock.monotonicMs()));
  }

  private apply(lane: Lane, button: number, events: GestureEvent[]): void {
    for (const event of events) {
      if (event.type === 'press') this.press(lane, button);
      else if (event.type === 'cancel') this.cancel(lane);
      else if (event.type === 'recovered') this.logger.info({ input: lane.input.name, button }, 'button works again');
      else {
        this.logger.warn(
          { input: lane.input.name, button, condition: event.type },
          event.type === 'stuck' ? 'button stuck: held down far too long' : 'button chattering: ignored until quiet',
        );
      }
    }
  }

  private press(lane: Lane, button: number): void {
    if (this.stopped) return;
    let limit = lane.limits.get(button);
    if (!limit) {
      limit = new RateLimit(lane.rate.maxPresses, lane.rate.perMs);
      lane.limits.set(button, limit);
    }
    if (!limit.allow(this.clock.monotonicMs())) {
      this.logger.warn({ input: lane.input.name, button }, 'press dropped: rate limit');
      this.onDropped();
      return;
    }
    try {
      this.target.press(button, lane.input.name);
    } catch (error) {
      // The target has said why already (a button the map leaves out is its decision to log).
      if (error instanceof UnmappedButtonError) return;
      this.logger.error({ input: lane.input.name, button, err: error }, 'press refused');
    }
  }

  private cancel(lane: Lane): void {
    if (this.stopped) return;
    this.target.cancelLast(lane.input.name);
  }
}
