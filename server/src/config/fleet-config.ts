import { Type } from '@sinclair/typebox';

/** The fleet monitor's alert thresholds and timers. */
export const FleetConfig = Type.Object(
  {
    offlineMinutes: Type.Number({
      minimum: 0,
      default: 10,
      description: 'alert when a device is offline this many minutes while its store is open (store `openingHours`)',
    }),
    backlogHeartbeats: Type.Integer({
      minimum: 1,
      default: 5,
      description: 'alert when the outbox grew at this many heartbeats in a row...',
    }),
    backlogMinClips: Type.Integer({ minimum: 1, default: 5, description: '...and holds at least this many clips' }),
    diskLowMegabytes: Type.Number({
      minimum: 0,
      default: 500,
      description: 'alert below this much free disk on the device, MB',
    }),
    clockOffsetMs: Type.Number({
      minimum: 0,
      default: 1000,
      description: 'alert when the device clock is off by more than this many ms (or not synchronised)',
    }),
    recorderRestarts: Type.Integer({
      minimum: 1,
      default: 3,
      description: "alert when the device's recorder has restarted this many times since the device started",
    }),
    checkIntervalSeconds: Type.Number({
      minimum: 1,
      default: 60,
      description:
        'seconds between re-evaluations of offline and alerting devices (offline needs the timer; the first pass takes every device); heartbeats and status changes evaluate at once',
    }),
    historyHours: Type.Number({
      minimum: 1,
      default: 168,
      description: 'hours of heartbeat history kept per device',
    }),
    testPressTimeoutSeconds: Type.Number({
      minimum: 1,
      default: 10,
      description: "seconds a test press waits for the device's answer",
    }),
  },
  { additionalProperties: false, default: {} },
);
