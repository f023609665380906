/**
 * The two clocks a device lives by. Positions in audio are found with the monotonic one, which
 * NTP never steps; the wall clock only labels clips for people.
 */
export interface Clock {
  monotonicMs(): number;
  wallMs(): number;
}

export const systemClock: Clock = {
  monotonicMs: () => performance.now(),
  wallMs: () => Date.now(),
};
