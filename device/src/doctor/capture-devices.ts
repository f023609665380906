import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Check, CheckResult, DoctorContext } from './check.js';

const execFileAsync = promisify(execFile);

/** The PCM names `arecord -L` lists: the unindented lines (the indented ones describe them). */
export function parseArecordList(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '' && !/^\s/.test(line))
    .map((line) => line.trim());
}

/** Lists the capture devices ALSA knows and checks that the configured one is among them. */
export const captureDevices: Check = {
  name: 'capture device',
  async run({ config }: DoctorContext): Promise<CheckResult> {
    const source = config.audio.source;
    if (source.type === 'file') {
      return {
        check: this.name,
        status: 'skip',
        summary: `audio comes from the file ${source.path} (a simulated microphone)`,
      };
    }
    let devices: string[];
    try {
      devices = parseArecordList((await execFileAsync('arecord', ['-L'], { timeout: 10_000 })).stdout);
    } catch (error) {
      return {
        check: this.name,
        status: 'fail',
        summary: `cannot list capture devices: ${(error as Error).message.split('\n')[0]}`,
        action: 'install ALSA tools: sudo apt-get install alsa-utils',
      };
    }
    const wanted = source.device ?? 'default';
    const cards = devices.filter((name) => /^(plug)?hw:CARD=/.test(name));
    const details = { configured: wanted, devices };
    if (devices.includes(wanted)) {
      return { check: this.name, status: 'pass', summary: `${wanted} is present (${devices.length} listed)`, details };
    }
    const numbered = /^(plug)?hw:\d/.test(wanted);
    return {
      check: this.name,
      status: numbered ? 'warn' : 'fail',
      summary: `${wanted} is not among the capture devices ALSA lists${cards.length ? `; sound cards: ${cards.join(', ')}` : '; no sound card found'}`,
      action: numbered
        ? 'card numbers change between boots: name the device by card, e.g. plughw:CARD=Device,DEV=0 (see arecord -L)'
        : 'plug the USB microphone in (check lsusb), or set audio.source.device to one of the names arecord -L lists',
      details,
    };
  },
};
