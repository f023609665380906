/**
 * A manager at the console during the load: one request after another (the clips list and the
 * fleet list in turn), each timed from send to the last byte of its body.
 */
export class ApiProbe {
  readonly times = new Map<string, number[]>();
  readonly failures: string[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    paths: string[],
    pauseMs: number,
  ) {
    this.loop = (async () => {
      while (this.running) {
        for (const path of paths) {
          await this.time(path);
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async time(path: string): Promise<void> {
    const started = performance.now();
    try {
      const response = await fetch(`${this.baseUrl}${path}`, { headers: { authorization: `Bearer ${this.token}` } });
      await response.arrayBuffer();
      if (!response.ok) this.failures.push(`${path}: HTTP ${response.status}`);
    } catch (error) {
      this.failures.push(`${path}: ${(error as Error).message}`);
      return;
    }
    const list = this.times.get(path) ?? [];
    list.push(performance.now() - started);
    this.times.set(path, list);
  }
}
