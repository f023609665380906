import type { SimDevice } from '../../test/support/sim-device.js';
import { makeClip } from '../../test/support/test-clips.js';
import type { TransferRig } from '../../test/support/transfer-rig.js';

export interface FleetSimOptions {
  heartbeatMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Devices that connect through another address (a proxy whose network can be cut). */
  urlFor?: (deviceId: string) => string | undefined;
  clipSeconds: number;
}

/**
 * The rig's light devices (real Outbox and Uplink each, its own credentials, in this process),
 * pressing at random: each device's presses are a Poisson process, so the fleet's are too.
 */
export class FleetSim {
  /** clip id -> performance.now() at the start of its outbox put, and at its "complete". */
  readonly putAt = new Map<string, number>();
  readonly deliveredAt = new Map<string, number>();
  private meanPressMs = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly devices: SimDevice[],
    private readonly options: FleetSimOptions,
  ) {}

  static async create(rig: TransferRig, ids: string[], options: FleetSimOptions): Promise<FleetSim> {
    const sim = new FleetSim([], options);
    for (const id of ids) {
      const url = options.urlFor?.(id);
      sim.devices.push(
        await rig.device(id, {
          heartbeatMs: options.heartbeatMs,
          reconnectMinMs: options.reconnectMinMs,
          reconnectMaxMs: options.reconnectMaxMs,
          // The device's defaults (the rig's are a test's fast pace).
          publishesPerSecond: 50,
          ...(url === undefined ? {} : { url }),
          onDelivered: (clipId) => {
            if (!sim.deliveredAt.has(clipId)) sim.deliveredAt.set(clipId, performance.now());
          },
        }),
      );
    }
    return sim;
  }

  /** Starts the devices spread over `spreadMs`, as a fleet powered on over a morning would. */
  async start(spreadMs: number): Promise<void> {
    for (const [i, device] of this.devices.entries()) {
      device.start();
      if (i % 20 === 19) await sleep((spreadMs * 20) / this.devices.length);
    }
  }

  connected(): number {
    return this.devices.filter((d) => d.uplink.connected).length;
  }

  /** Every device presses, on average once every `meanMs` (0 stops pressing). */
  pressEvery(meanMs: number): void {
    const starting = this.meanPressMs === 0 && meanMs > 0;
    this.meanPressMs = meanMs;
    if (!starting) return;
    for (const device of this.devices) this.schedule(device);
  }

  /** Clips put in an outbox and not yet acknowledged as complete. */
  undelivered(): string[] {
    return [...this.putAt.keys()].filter((id) => !this.deliveredAt.has(id));
  }

  async stop(): Promise<void> {
    this.meanPressMs = 0;
    for (const timer of this.timers) clearTimeout(timer);
  }

  private schedule(device: SimDevice): void {
    if (this.meanPressMs === 0) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        void this.press(device).finally(() => this.schedule(device));
      },
      -Math.log(1 - Math.random()) * this.meanPressMs,
    );
    this.timers.add(timer);
  }

  private async press(device: SimDevice): Promise<void> {
    if (this.meanPressMs === 0) return;
    const { meta, audio } = makeClip(this.options.clipSeconds);
    this.putAt.set(meta.clipId, performance.now());
    await device.outbox.put(meta, audio);
    device.uplink.kick(meta.clipId);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
