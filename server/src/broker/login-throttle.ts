export interface LoginThrottleOptions {
  /** Wrong passwords for one username from one address before it waits. */
  failuresPerLogin: number;
  /** Wrong passwords from one address, whatever the username, before it waits. */
  failuresPerAddress: number;
  /** The first wait; each further failure doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  now?: () => number;
}

interface Failures {
  count: number;
  /** No login is checked for this key before this time (ms since the epoch). */
  until: number;
}

/** Keys remembered at most; the oldest go first (an address spraying usernames cannot grow it). */
const CAPACITY = 10_000;

/**
 * Slows password guessing against the broker. Failures are counted per (username, address) and
 * per address: past the free ones, that key waits an exponentially growing time during which a
 * login is refused without checking the password (which also spares the scrypt CPU). Keyed on the
 * pair, not the username alone, so that guessing a device's password from elsewhere does not lock
 * out the device itself; a success clears its pair.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();
  private readonly now: () => number;

  constructor(private readonly options: LoginThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds this login must still wait; 0 when it may be checked now. */
  waitMs(username: string, address: string): number {
    const now = this.now();
    const wait = (key: string) => Math.max(0, (this.failures.get(key)?.until ?? 0) - now);
    return Math.max(wait(pairKey(username, address)), wait(addressKey(address)));
  }

  failed(username: string, address: string): void {
    this.count(pairKey(username, address), this.options.failuresPerLogin);
    this.count(addressKey(address), this.options.failuresPerAddress);
  }

  succeeded(username: string, address: string): void {
    this.failures.delete(pairKey(username, address));
  }

  private count(key: string, free: number): void {
    const { baseDelayMs, maxDelayMs } = this.options;
    const count = (this.failures.get(key)?.count ?? 0) + 1;
    const over = count - free + 1;
    const until = over > 0 ? this.now() + Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(over - 1, 30)) : 0;
    this.failures.delete(key);
    this.failures.set(key, { count, until });
    if (this.failures.size > CAPACITY) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }
}

function pairKey(username: string, address: string): string {
  return `login\u0000${username}\u0000${address}`;
}

function addressKey(address: string): string {
  return `address\u0000${address}`;
}
