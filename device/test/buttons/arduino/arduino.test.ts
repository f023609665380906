import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { FirmataDouble } from '@earshot/test-kit/firmata-double';
import { captureLog } from '@earshot/test-kit/log-capture';
import { waitFor } from '@earshot/test-kit/processes';
import type { Clock } from '../../../src/audio/clock.js';
import { ArduinoInput } from '../../../src/buttons/arduino/arduino-input.js';
import { serveBoard } from '../../../src/buttons/arduino/board-child.js';
import type { BoardChildOptions, FromBoard } from '../../../src/buttons/arduino/board-protocol.js';
import { runBoard } from '../../../src/buttons/arduino/board-runner.js';
import type { ButtonInput } from '../../../src/buttons/button-input.js';
import { InputHub } from '../../../src/buttons/input-hub.js';
import type { CancelResult, PressResult, PressTarget } from '../../../src/buttons/press-endpoint.js';

/**
 * This file is also the board child in the supervision test: forked with CONTROL set, it serves a
 * FirmataDouble over the real IPC path (serveBoard) and takes pin levels and "unplug" from the
 * test over a local socket, one JSON object per line; it reports LED writes the same way.
 */
const CONTROL = 'EARSHOT_TEST_BOARD_CONTROL';

if (process.env[CONTROL]) {
  const options = JSON.parse(process.argv[2] ?? '{}') as BoardChildOptions;
  const io = new FirmataDouble();
  const control = await new Promise<Socket>((resolve) => {
    const socket: Socket = connect(Number(process.env[CONTROL]), '127.0.0.1', () => resolve(socket));
  });
  io.on('write', (pin: number, value: number) => {
    if (pin === options.ledPin) control.write(`${JSON.stringify({ led: value === 1 })}\n`);
  });
  createInterface({ input: control }).on('line', (line) => {
    const command = JSON.parse(line) as { pin?: number; value?: 0 | 1; unplug?: boolean };
    if (command.unplug) io.unplug();
    else if (command.pin !== undefined && command.value !== undefined) io.setInput(command.pin, command.value);
  });
  serveBoard({ io }, options);
} else {
  describe('johnny-five board runner', () => {
    it('reports presses and releases of pull-up buttons, drives the LED, and reports an unplug', async () => {
      const io = new FirmataDouble();
      const messages: FromBoard[] = [];
      const board = runBoard({ connection: { io }, pins: [2, 3], ledPin: 13 }, (m) => messages.push(m));
      await waitFor('ready', async () => (messages.some((m) => m.type === 'ready') ? true : undefined));
      assert.ok(io.reading(2) && io.reading(3), 'both button pins reported');
      assert.ok(
        io.writes.some((w) => w.pin === 2 && w.value === 1),
        'internal pull-up enabled on the button pin',
      );
      const edges = () => messages.filter((m) => m.type === 'edge');
      io.setInput(2, 1); // idle, pulled up: what johnny-five assumes already, so no event
      io.setInput(2, 0); // pressed: to ground
      await waitFor('press', async () => (edges().some((m) => m.pressed) ? true : undefined));
      io.setInput(2, 1);
      await waitFor('release', async () => (edges().at(-1)?.pressed === false ? true : undefined));
      assert.deepEqual(edges().slice(-2), [
        { type: 'edge', pin: 2, pressed: true },
        { type: 'edge', pin: 2, pressed: false },
      ]);
      board.led(true);
      board.led(false);
      assert.deepEqual(io.writes.filter((w) => w.pin === 13).slice(-2), [
        { pin: 13, value: 1 },
        { pin: 13, value: 0 },
      ]);
      io.unplug();
      io.unplug();
      assert.deepEqual(
        messages.filter((m) => m.type === 'lost'),
        [{ type: 'lost', reason: 'the board closed its connection (unplugged?)' }],
        'lost once',
      );
    });
  });

  describe('supervised Arduino input', () => {
    let server: Server;
    const boards: Socket[] = [];
    const leds: boolean[][] = [];
    before(async () => {
      server = createServer((socket) => {
        const index = boards.push(socket) - 1;
        leds[index] = [];
        createInterface({ input: socket }).on('line', (line) => {
          const { led } = JSON.parse(line) as { led: boolean };
          leds[index]?.push(led);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      process.env[CONTROL] = String((server.address() as { port: number }).port);
    });
    after(async () => {
      delete process.env[CONTROL];
      for (const socket of boards) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('presses, cancels with a long hold, survives an unplug and works again after replug', async () => {
      let now = 0;
      const clock: Clock = { monotonicMs: () => now, wallMs: () => now };
      const pressed: [number, string][] = [];
      const cancels: string[] = [];
      const target: PressTarget = {
        buttons: 8,
        press(button, input): PressResult {
          pressed.push([button, input]);
          return { clipId: 'c', startAt: '', endAt: '', truncated: false };
        },
        cancelLast(input): CancelResult {
          cancels.push(input);
          return { cancelled: true };
        },
        status: () => ({}),
      };
      const log = captureLog();
      const arduino = new ArduinoInput({
        port: '/dev/serial/by-id/usb-Arduino_Uno-if00',
        pins: new Map([[2, 5]]),
        ledPin: 13,
        readyTimeoutMs: 10_000,
        restartInitialMs: 50,
        restartMaxMs: 200,
        logger: log.logger,
        childModule: fileURLToPath(import.meta.url),
      });
      const gesture = {
        debounceMs: 30,
        minHoldMs: 40,
        longPressMs: 2000,
        stuckMs: 30_000,
        chatterEdges: 20,
        chatterWindowMs: 2000,
      };
      // Counts edges on their way to the hub, so the test moves the clock only once one has arrived.
      const edges: boolean[] = [];
      const counted: ButtonInput = {
        name: arduino.name,
        health: () => arduino.health(),
        stop: () => arduino.stop(),
        start: (listener) =>
          arduino.start({
            ...listener,
            edge: (button, down) => {
              edges.push(down);
              listener.edge(button, down);
            },
          }),
      };
      const hub = new InputHub(
        [{ input: counted, gesture, rate: { maxPresses: 10, perMs: 60_000 } }],
        target,
        clock,
        log.logger,
      );
      const level = (pin: number, value: 0 | 1) => boards.at(-1)?.write(`${JSON.stringify({ pin, value })}\n`);
      /** A level change that reaches the hub, then time passing (the hub's clock is the test's). */
      const hold = async (value: 0 | 1, ms: number) => {
        const before = edges.length;
        level(2, value);
        await waitFor('edge', async () => (edges.length > before ? true : undefined), { intervalMs: 5 });
        now += ms;
      };
      await hub.start();
      try {
        await waitFor('board ready', async () => (arduino.health().connected ? true : undefined));
        arduino.led(true);
        await waitFor('LED on', async () => (leds[0]?.at(-1) === true ? true : undefined));

        // A short press: 200 ms down.
        await pressAndRelease(200);
        await waitFor('press', async () => (pressed.length === 1 ? true : undefined));
        assert.deepEqual(pressed, [[5, 'arduino:/dev/serial/by-id/usb-Arduino_Uno-if00']]);

        // A hold of 3 s: the cancel gesture, not a press.
        await pressAndRelease(3000);
        await waitFor('cancel', async () => (cancels.length === 1 ? true : undefined));
        assert.equal(pressed.length, 1);

        // Unplug: the child exits, the daemon stays, and a new child comes up with the LED restored.
        boards.at(-1)?.write(`${JSON.stringify({ unplug: true })}\n`);
        await waitFor('second board process', async () =>
          boards.length === 2 && arduino.health().connected ? true : undefined,
        );
        assert.equal(log.withMessage('Arduino lost; restarting its process').length, 1);
        await waitFor('LED restored', async () => (leds[1]?.at(-1) === true ? true : undefined));
        await pressAndRelease(200);
        await waitFor('press after replug', async () => (pressed.length === 2 ? true : undefined));

        async function pressAndRelease(heldMs: number): Promise<void> {
          await hold(0, heldMs);
          await hold(1, 100);
        }
      } finally {
        await hub.stop();
      }
      assert.equal(arduino.health().connected, true, 'stopping does not report a loss');
    });
  });
}
