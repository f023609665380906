export interface GestureOptions {
  debounceMs: number;
  minHoldMs: number;
  /** 0: no cancel gesture, and a press counts as soon as it has been held minHoldMs. */
  longPressMs: number;
  stuckMs: number;
  chatterEdges: number;
  chatterWindowMs: number;
}

export type GestureEvent =
  | { type: 'press' }
  | { type: 'cancel' }
  | { type: 'stuck' }
  | { type: 'chatter' }
  /** The button works again: released after being stuck, or quiet after chattering. */
  | { type: 'recovered' };

export type GestureCondition = 'ok' | 'stuck' | 'chattering';

/**
 * One physical button's edges -> presses, cancels and fault conditions. Pure: time comes in with
 * every call, and the caller asks `nextDeadline()` when it must call `tick()`.
 *
 * A level counts once it has held `debounceMs` (timed from its edge, so hold durations are
 * exact). With a cancel gesture configured, the press is decided on release: a hold from
 * `minHoldMs` up to `longPressMs` presses, from `longPressMs` up to stuck cancels; a press that
 * fired on the way down could not be taken back by the long press that follows it.
 */
export class ButtonGesture {
  private stable = false;
  private raw = false;
  private rawSince = 0;
  private downAt = 0;
  private pressedOnDown = false;
  private stuck = false;
  private chattering = false;
  /** Times of recent raw edges, oldest first, at most chatterEdges + 1 kept. */
  private readonly edges: number[] = [];

  constructor(private readonly options: GestureOptions) {}

  get condition(): GestureCondition {
    if (this.stuck) return 'stuck';
    return this.chattering ? 'chattering' : 'ok';
  }

  /** A raw level change (or repeat of the same level, which is ignored) at `now`. */
  edge(pressed: boolean, now: number): GestureEvent[] {
    const events = this.tick(now);
    if (pressed === this.raw) return events;
    this.raw = pressed;
    this.rawSince = now;
    this.edges.push(now);
    if (this.edges.length > this.options.chatterEdges + 1) this.edges.shift();
    const first = this.edges[0] ?? now;
    if (
      !this.chattering &&
      this.edges.length > this.options.chatterEdges &&
      now - first <= this.options.chatterWindowMs
    ) {
      this.chattering = true;
      events.push({ type: 'chatter' });
    }
    return [...events, ...this.tick(now)];
  }

  /** Everything due by `now`. */
  tick(now: number): GestureEvent[] {
    const events: GestureEvent[] = [];
    const { debounceMs, minHoldMs, longPressMs, stuckMs, chatterWindowMs } = this.options;
    if (this.raw !== this.stable && now - this.rawSince >= debounceMs) {
      this.stable = this.raw;
      if (this.stable) this.pressDown(this.rawSince);
      else this.release(this.rawSince - this.downAt, events);
    }
    if (this.stable && !this.stuck) {
      if (longPressMs === 0 && !this.pressedOnDown && now - this.downAt >= minHoldMs) {
        this.pressedOnDown = true;
        if (!this.chattering) events.push({ type: 'press' });
      }
      if (now - this.downAt >= stuckMs) {
        this.stuck = true;
        events.push({ type: 'stuck' });
      }
    }
    const last = this.edges[this.edges.length - 1] ?? 0;
    if (this.chattering && this.raw === this.stable && now - last >= chatterWindowMs) {
      this.chattering = false;
      this.edges.length = 0;
      if (!this.stuck) events.push({ type: 'recovered' });
    }
    return events;
  }

  /** When `tick` next has something to do, or undefined when only an edge can change anything. */
  nextDeadline(): number | undefined {
    const { debounceMs, minHoldMs, longPressMs, stuckMs, chatterWindowMs } = this.options;
    const due: number[] = [];
    if (this.raw !== this.stable) due.push(this.rawSince + debounceMs);
    if (this.stable && !this.stuck) {
      due.push(this.downAt + stuckMs);
      if (longPressMs === 0 && !this.pressedOnDown) due.push(this.downAt + minHoldMs);
    }
    if (this.chattering) due.push((this.edges[this.edges.length - 1] ?? 0) + chatterWindowMs);
    return due.length > 0 ? Math.min(...due) : undefined;
  }

  private pressDown(at: number): void {
    this.downAt = at;
    this.pressedOnDown = false;
  }

  private release(heldMs: number, events: GestureEvent[]): void {
    const { minHoldMs, longPressMs } = this.options;
    if (this.stuck) {
      this.stuck = false;
      if (!this.chattering) events.push({ type: 'recovered' });
      return;
    }
    if (this.chattering || longPressMs === 0 || heldMs < minHoldMs) return;
    events.push({ type: heldMs >= longPressMs ? 'cancel' : 'press' });
  }
}

/** At most `maxPresses` in any `perMs`; what is refused is dropped, not queued. */
export class RateLimit {
  private readonly accepted: number[] = [];

  constructor(
    private readonly maxPresses: number,
    private readonly perMs: number,
  ) {}

  allow(now: number): boolean {
    while (this.accepted.length > 0 && now - (this.accepted[0] ?? 0) >= this.perMs) this.accepted.shift();
    if (this.accepted.length >= this.maxPresses) return false;
    this.accepted.push(now);
    return true;
  }

  /** Whether presses are being refused right now. */
  limited(now: number): boolean {
    return this.accepted.length >= this.maxPresses && now - (this.accepted[0] ?? 0) < this.perMs;
  }
}
