export interface LockoutSettings {
  /** Wrong passwords for one account before it locks. */
  failures: number;
  /** The first lock; each further one doubles, up to maxSeconds. */
  baseSeconds: number;
  maxSeconds: number;
}

interface AccountState {
  failures: number;
  /** Locks so far in this run of failures: the backoff's exponent. */
  locks: number;
  lockedUntil: number;
  /** Addresses that sent a wrong password while the account was under attack. */
  failedFrom: Set<string>;
}

/**
 * Per-account sign-in lockout with exponential backoff. A lock refuses only the addresses that
 * sent wrong passwords for the account: someone guessing from one place cannot lock the owner
 * out from another, while a guesser gets no answer at all until the lock ends (the per-address
 * rate limit bounds how many places can each try once). A correct password clears the account.
 * In memory: a restart forgets, which costs an attacker nothing they could not get by waiting.
 */
export class SignInLockout {
  private readonly accounts = new Map<string, AccountState>();
  /** Names tried are the caller's choice: the oldest are forgotten past this many. */
  private static readonly MAX_ACCOUNTS = 10_000;

  constructor(
    private readonly settings: LockoutSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `address` may try `username` again; 0 when it may now. */
  retryAfter(username: string, address: string): number {
    const state = this.accounts.get(username);
    if (!state || !state.failedFrom.has(address)) return 0;
    return Math.max(0, Math.ceil((state.lockedUntil - this.now()) / 1000));
  }

  failed(username: string, address: string): void {
    const state = this.accounts.get(username) ?? { failures: 0, locks: 0, lockedUntil: 0, failedFrom: new Set() };
    this.accounts.delete(username);
    this.accounts.set(username, state);
    if (this.accounts.size > SignInLockout.MAX_ACCOUNTS) {
      const oldest = this.accounts.keys().next().value;
      if (oldest !== undefined) this.accounts.delete(oldest);
    }
    state.failedFrom.add(address);
    state.failures += 1;
    if (state.failures < this.settings.failures) return;
    const seconds = Math.min(this.settings.baseSeconds * 2 ** state.locks, this.settings.maxSeconds);
    state.locks += 1;
    state.failures = 0;
    state.lockedUntil = this.now() + seconds * 1000;
  }

  succeeded(username: string): void {
    this.accounts.delete(username);
  }
}
