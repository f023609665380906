import type { EventEmitter } from 'node:events';
import five from 'johnny-five';
import type { FromBoard } from './board-protocol.js';

export interface BoardRunOptions {
  /** A serial path for real Firmata, or an IO plugin (tests use a double). */
  connection: { port: string } | { io: EventEmitter };
  pins: number[];
  ledPin?: number | undefined;
}

export interface RunningBoard {
  led(on: boolean): void;
}

/**
 * The johnny-five side of an Arduino running StandardFirmata: buttons on input pins with the
 * AVR's internal pull-up (pressed = pin to ground) and an optional LED. It reports raw presses
 * and releases only; holds, debounce and cancel are the daemon's gesture logic, the same as for
 * every other input. It runs inside the supervised child process (see board-child.ts).
 */
export function runBoard(options: BoardRunOptions, send: (message: FromBoard) => void): RunningBoard {
  const board = new five.Board({ ...options.connection, repl: false, debug: false, sigint: false });
  let led: five.Led | undefined;
  let wanted = false;
  let lost = false;
  const lose = (reason: string) => {
    if (lost) return;
    lost = true;
    send({ type: 'lost', reason });
  };
  board.on('ready', () => {
    for (const pin of options.pins) {
      const button = new five.Button({ pin, board, isPullup: true });
      button.on('press', () => send({ type: 'edge', pin, pressed: true }));
      button.on('release', () => send({ type: 'edge', pin, pressed: false }));
    }
    if (options.ledPin !== undefined) {
      led = new five.Led({ pin: options.ledPin, board });
      if (wanted) led.on();
      else led.off();
    }
    send({ type: 'ready' });
  });
  board.on('close', () => lose('the board closed its connection (unplugged?)'));
  board.on('disconnect', () => lose('the board disconnected'));
  board.on('error', (error: unknown) => lose(`board error: ${(error as Error)?.message ?? String(error)}`));
  return {
    led(on) {
      wanted = on;
      if (on) led?.on();
      else led?.off();
    },
  };
}
