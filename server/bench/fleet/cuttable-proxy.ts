import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of the broker for a group of devices, whose network can be cut: `cut()`
 * destroys every connection through it and refuses new ones (the broker sees the sockets close
 * and publishes the devices' Last Wills), `restore()` lets them connect again.
 */
export class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private open = true;

  private readonly server = createServer((device) => this.accept(device));

  private constructor(private readonly target: URL) {}

  static async start(target: URL): Promise<CuttableProxy> {
    const proxy = new CuttableProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.open = true;
  }

  private accept(device: Socket): void {
    if (!this.open) {
      device.destroy();
      return;
    }
    const broker = connect(Number(this.target.port), this.target.hostname);
    for (const socket of [device, broker]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    }
    device.pipe(broker).pipe(device);
    device.on('error', () => broker.destroy());
    broker.on('error', () => device.destroy());
    device.on('close', () => broker.destroy());
    broker.on('close', () => device.destroy());
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
