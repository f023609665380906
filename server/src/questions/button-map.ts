import type { ServerConfig } from '../config/server-config.js';

/** Which question a (device, button) press answers: the device's own map, else the default. */
export class ButtonMap {
  constructor(private readonly config: ServerConfig['buttonMap']) {}

  questionFor(deviceId: string, button: number): string | undefined {
    const key = String(button);
    return this.config.devices[deviceId]?.[key] ?? this.config.default[key];
  }
}
