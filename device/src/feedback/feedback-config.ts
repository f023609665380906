import { type Static, Type } from '@sinclair/typebox';
import { SIGNALS } from './patterns.js';

const Signals = Type.Array(Type.Union(SIGNALS.map((signal) => Type.Literal(signal))), {
  uniqueItems: true,
  default: [...SIGNALS],
  description: 'what this output shows: captured, delivered, cancelled, refused, problem',
});

export const GpioLightConfig = Type.Object(
  {
    type: Type.Literal('gpio'),
    pin: Type.Integer({ minimum: 0, maximum: 63, description: 'BCM pin of the LED (or active buzzer)' }),
    activeLow: Type.Boolean({ default: false, description: 'true if the LED lights when the pin is low' }),
    signals: Signals,
  },
  { additionalProperties: false },
);

export const ArduinoLightConfig = Type.Object(
  {
    type: Type.Literal('arduino'),
    port: Type.String({ minLength: 1, description: 'the port of an arduino input' }),
    pin: Type.Integer({ minimum: 0, maximum: 69, default: 13, description: '13: the on-board LED' }),
    signals: Signals,
  },
  { additionalProperties: false },
);

export const FeedbackConfig = Type.Object(
  {
    lights: Type.Array(Type.Union([GpioLightConfig, ArduinoLightConfig]), {
      default: [],
      description:
        'the LEDs/buzzers staff see: `{type: gpio, pin, activeLow, signals}` or `{type: arduino, port, pin: 13, signals}` (docs/buttons.md)',
    }),
    problemGraceSeconds: Type.Number({
      minimum: 0,
      maximum: 3600,
      default: 15,
      description: 'seconds a problem must last before the light shows it',
    }),
    micSilentSeconds: Type.Number({
      minimum: 1,
      maximum: 3600,
      default: 10,
      description: 'seconds without audio that count as a dead microphone',
    }),
  },
  { additionalProperties: false, default: {} },
);

export type FeedbackConfig = Static<typeof FeedbackConfig>;

/** An Arduino light needs the Arduino input on the same port: that input's child drives it. */
export function feedbackProblems(feedback: FeedbackConfig, arduinoPorts: string[]): string[] {
  return feedback.lights.flatMap((light, i) =>
    light.type === 'arduino' && !arduinoPorts.includes(light.port)
      ? [`/feedback/lights/${i}/port: no arduino input on ${light.port}`]
      : [],
  );
}
