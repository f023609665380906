import { randomUUID } from 'node:crypto';
import { decoders, MessageError, type PressResponse, type Topics } from '@earshot/shared/protocol';
import type { Publish } from './publish.js';

/**
 * A technician's test press: a request on the device's `press/request` topic, answered on its
 * `press/response` with the clip id (or a refusal). Requests are not retained: a device that is
 * offline now must not press later.
 */
export class TestPress {
  private readonly waiters = new Map<string, (response: PressResponse) => void>();

  constructor(
    private readonly topics: Topics,
    private readonly publish: Publish,
    private readonly timeoutMs: number,
  ) {}

  /** The device's answer, or undefined when none came in time. */
  async press(deviceId: string, button: number): Promise<PressResponse | undefined> {
    const requestId = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<PressResponse | undefined>((resolve) => {
      timer = setTimeout(() => {
        this.waiters.delete(requestId);
        resolve(undefined);
      }, this.timeoutMs);
      this.waiters.set(requestId, (response) => {
        clearTimeout(timer);
        this.waiters.delete(requestId);
        resolve(response);
      });
    });
    try {
      await this.publish(this.topics.pressRequest(deviceId), JSON.stringify({ requestId, button }), { retain: false });
    } catch (error) {
      clearTimeout(timer);
      this.waiters.delete(requestId);
      throw error;
    }
    return answer;
  }

  /** A message on a `press/response` topic; answers nobody is waiting for (another instance's) are ignored. */
  response(payload: Buffer): void {
    let response: PressResponse;
    try {
      response = decoders.pressResponse.decode(payload);
    } catch (error) {
      if (error instanceof MessageError) return;
      throw error;
    }
    this.waiters.get(response.requestId)?.(response);
  }
}
