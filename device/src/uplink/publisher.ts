/** The connection dropped (or the uplink stopped) while a publish or a wait was under way. */
export class Disconnected extends Error {
  constructor() {
    super('disconnected from the broker');
  }
}

/**
 * What the uplink's parts (clip sender, device requests, heartbeats) need of the broker
 * session: publishing at QoS 1 on the current connection, and knowing when it drops. A fake
 * of it is all a unit test of a part needs.
 */
export interface Publisher {
  readonly connected: boolean;
  /** Aborted (with Disconnected) when the current connection drops. */
  readonly signal: AbortSignal;
  /** QoS 1; rejects with Disconnected when not connected or when the connection drops first. */
  publish(topic: string, payload: string | Buffer, retain?: boolean): Promise<void>;
}
