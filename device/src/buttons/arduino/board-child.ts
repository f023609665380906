import type { BoardChildOptions, FromBoard, ToBoard } from './board-protocol.js';
import { runBoard } from './board-runner.js';

/**
 * The child process that owns the Arduino. johnny-five cannot reopen a port it lost (the old
 * handle keeps the lock), so when the board goes away this process exits and the daemon's
 * supervisor starts a fresh one: one process per cable plug-in.
 */
const options = JSON.parse(process.argv[2] ?? '{}') as BoardChildOptions;
const send = (message: FromBoard) => process.send?.(message);
let ready = false;

const board = runBoard(
  { connection: { port: options.port }, pins: options.pins, ledPin: options.ledPin },
  (message) => {
    if (message.type === 'ready') ready = true;
    send(message);
    if (message.type === 'lost') exitSoon(1);
  },
);

const readyTimer = setTimeout(() => {
  if (ready) return;
  send({ type: 'lost', reason: `no Firmata answer from ${options.port} within ${options.readyTimeoutMs} ms` });
  exitSoon(1);
}, options.readyTimeoutMs);
readyTimer.unref();

process.on('message', (message: ToBoard) => {
  if (message.type === 'led') board.led(message.on);
});
// The daemon went away: nothing is listening, so let go of the board.
process.on('disconnect', () => process.exit(0));

/** Lets the IPC message leave before the process does. */
function exitSoon(code: number): void {
  setTimeout(() => process.exit(code), 50);
}
