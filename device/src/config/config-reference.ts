import { describeConfig, markdownTable, type ReferenceSection } from '@earshot/shared/config';
import { type TObject, Type } from '@sinclair/typebox';
import {
  ArduinoInputConfig,
  GpioInputConfig,
  HidInputConfig,
  InputTimingConfig,
  SerialInputConfig,
} from '../buttons/input-config.js';
import { ArduinoLightConfig, FeedbackConfig, GpioLightConfig } from '../feedback/feedback-config.js';
import { DeviceConfigSchema, FileSourceConfig, RecorderSourceConfig } from './device-config.js';

/** An input kind's own keys, without the timing keys it shares with the others. */
const ownKeys = (schema: TObject) => Type.Omit(schema, Object.keys(InputTimingConfig.properties));

/**
 * Every table of the device's configuration in the documentation, generated from the schemas:
 * scripts/config-reference writes them, and a test fails when a file differs.
 */
export function deviceReferenceSections(): ReferenceSection[] {
  const audioAndClips = describeConfig(DeviceConfigSchema).filter(
    (row) => (row.key.startsWith('audio.') && row.key !== 'audio.source') || row.key.startsWith('clips.'),
  );
  return [
    { file: 'README.md', name: 'device', table: markdownTable(describeConfig(DeviceConfigSchema)) },
    { file: 'docs/audio.md', name: 'audio-source-recorder', table: table(RecorderSourceConfig, 'audio.source') },
    { file: 'docs/audio.md', name: 'audio-source-file', table: table(FileSourceConfig, 'audio.source') },
    { file: 'docs/audio.md', name: 'audio', table: markdownTable(audioAndClips) },
    { file: 'docs/buttons.md', name: 'input-timing', table: table(InputTimingConfig, 'inputs[]') },
    { file: 'docs/buttons.md', name: 'input-gpio', table: table(ownKeys(GpioInputConfig), 'inputs[]') },
    { file: 'docs/buttons.md', name: 'input-arduino', table: table(ownKeys(ArduinoInputConfig), 'inputs[]') },
    { file: 'docs/buttons.md', name: 'input-serial', table: table(ownKeys(SerialInputConfig), 'inputs[]') },
    { file: 'docs/buttons.md', name: 'input-hid', table: table(ownKeys(HidInputConfig), 'inputs[]') },
    { file: 'docs/buttons.md', name: 'feedback', table: table(FeedbackConfig, 'feedback') },
    { file: 'docs/buttons.md', name: 'light-gpio', table: table(GpioLightConfig, 'feedback.lights[]') },
    { file: 'docs/buttons.md', name: 'light-arduino', table: table(ArduinoLightConfig, 'feedback.lights[]') },
  ];
}

function table(schema: TObject, prefix: string): string {
  return markdownTable(describeConfig(schema, prefix));
}
