import { decoders, type PressResponse } from '@earshot/shared/protocol';
import { type DeviceLink, DeviceLinkError } from '../devices/device-link.js';

/**
 * A technician's test press: a `press` request over the device link, answered with the clip id
 * (or a refusal). Requests are not retained: a device that is offline now must not press later.
 */
export class TestPress {
  constructor(
    private readonly link: DeviceLink,
    private readonly timeoutMs: number,
  ) {}

  /** The device's answer, or undefined when none came in time; throws when the broker is unreachable. */
  async press(deviceId: string, button: number): Promise<PressResponse | undefined> {
    try {
      const answer = await this.link.ask(deviceId, 'press', { button }, this.timeoutMs);
      return decoders.pressResponse.decode(answer);
    } catch (error) {
      if (error instanceof DeviceLinkError && error.reason === 'timeout') return undefined;
      throw error;
    }
  }
}
