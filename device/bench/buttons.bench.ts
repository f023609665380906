import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { report, timeIt } from '@earshot/test-kit/bench';
import { captureLog } from '@earshot/test-kit/log-capture';
import { startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { ButtonGesture } from '../src/buttons/gesture.js';
import { encodeInputEvent, EV_KEY, InputEventDecoder } from '../src/buttons/hid/input-event.js';
import { SerialInput } from '../src/buttons/serial/serial-input.js';

// Gesture logic: a bouncing press and release (10 raw edges) per iteration.
const PRESSES = 10_000;
const gestureMs = await timeIt(() => {
  const gesture = new ButtonGesture({
    debounceMs: 30,
    minHoldMs: 40,
    longPressMs: 2000,
    stuckMs: 30_000,
    chatterEdges: 20,
    chatterWindowMs: 2000,
  });
  for (let i = 0, t = 0; i < PRESSES; i++, t += 5000) {
    for (let b = 0; b < 5; b++) gesture.edge(b % 2 === 0, t + b);
    gesture.tick(t + 40);
    for (let b = 0; b < 5; b++) gesture.edge(b % 2 === 1, t + 200 + b);
    gesture.tick(t + 240);
  }
});
report('gesture_raw_edges', (PRESSES * 10) / gestureMs / 1000, 'M edges/s');

// HID decoding: a keyboard's worth of input_event records.
const stream = Buffer.concat(
  Array.from({ length: 4096 }, (_, i) => encodeInputEvent(i % 3 === 0 ? 0 : EV_KEY, 30 + (i % 40), i % 2)),
);
const copy = Buffer.alloc(stream.length);
const decodeMs = await timeIt(() => new InputEventDecoder().push(stream));
const copyMs = await timeIt(() => stream.copy(copy));
report('input_event_decode', stream.length / decodeMs / 1000, 'MB/s', {
  name: 'buffer_copy_same_bytes',
  value: stream.length / copyMs / 1000,
});

// Serial box: from a line written on the box's end of a pty pair to the press callback.
const dir = await tempDir('earshot-bench-serial-');
const cable = startProcess('socat', [
  '-d',
  '-d',
  `pty,raw,echo=0,link=${join(dir.path, 'device')}`,
  `pty,raw,echo=0,link=${join(dir.path, 'box')}`,
]);
await cable.waitForLine(/starting data transfer loop/);
let arrived: (() => void) | undefined;
const input = new SerialInput({
  path: join(dir.path, 'device'),
  baudRate: 9600,
  pattern: /^BTN (\d+)$/,
  cancelPattern: /^CANCEL$/,
  buttons: new Map(),
  maxButton: 8,
  reopenMs: 100,
  logger: captureLog().logger,
});
await input.start({ edge: () => {}, press: () => arrived?.(), cancel: () => {} });
while (!input.health().connected) await new Promise((resolve) => setTimeout(resolve, 10));
const box = await open(join(dir.path, 'box'), 'r+');
const latencies: number[] = [];
for (let i = 0; i < 200; i++) {
  const done = new Promise<void>((resolve) => (arrived = resolve));
  const start = performance.now();
  await box.write('BTN 1\n');
  await done;
  latencies.push(performance.now() - start);
}
latencies.sort((a, b) => a - b);
report('serial_press_latency_p50', latencies[100] ?? NaN, 'ms');
report('serial_press_latency_p99', latencies[198] ?? NaN, 'ms');
await box.close();
await input.stop();
await cable.stop();
await dir.remove();
