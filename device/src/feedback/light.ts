import { Gpio } from 'onoff';

/** An LED or buzzer: all feedback needs from hardware. */
export interface Light {
  set(on: boolean): void;
  close(): void;
}

/** An LED or active buzzer on a header pin (sysfs number already resolved from BCM). */
export class GpioLight implements Light {
  private readonly line: Gpio;

  constructor(sysfsNumber: number, activeLow: boolean) {
    this.line = new Gpio(sysfsNumber, 'out', 'none', { activeLow });
    this.set(false);
  }

  set(on: boolean): void {
    this.line.writeSync(on ? 1 : 0);
  }

  close(): void {
    this.line.writeSync(0);
    this.line.unexport();
  }
}

/** Something with an LED of its own, such as the Arduino input. */
export interface LedOwner {
  led(on: boolean): void;
}

/** The LED of a board that is driven elsewhere (the Arduino's, through its supervised child). */
export class OwnedLight implements Light {
  constructor(private readonly owner: LedOwner) {}

  set(on: boolean): void {
    this.owner.led(on);
  }

  close(): void {
    this.owner.led(false);
  }
}
