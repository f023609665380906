import type { Logger } from '@earshot/shared/log';
import type { PcmFormat } from '@earshot/shared/wav';
import type { DeviceConfig } from '../config/device-config.js';
import { recorderTimings } from '../config/device-units.js';
import type { AudioSource } from './audio-source.js';
import type { Clock } from './clock.js';
import { FileSource } from './file-source.js';
import { RecorderSource } from './recorder-source.js';

/** The audio source the configuration names: a file (tests, demos) or a supervised recorder. */
export function createSource(config: DeviceConfig, format: PcmFormat, clock: Clock, logger: Logger): AudioSource {
  const source = config.audio.source;
  if (source.type === 'file') {
    return new FileSource({ path: source.path, format, loop: source.loop, pace: source.pace, clock });
  }
  return new RecorderSource({
    recorder: source.recorder,
    device: source.device,
    format,
    ...recorderTimings(source),
    clock,
    logger: logger.child({ component: 'recorder' }),
  });
}
