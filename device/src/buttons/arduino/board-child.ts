import type { BoardChildOptions, FromBoard, ToBoard } from './board-protocol.js';
import { type BoardRunOptions, runBoard } from './board-runner.js';

/**
 * The child process's side of the supervision: runs the board, forwards what it reports to the
 * daemon over IPC, takes LED commands, and exits when the board is lost or never answers, so
 * that the daemon starts a fresh process (johnny-five cannot reopen a port it lost: the old
 * handle keeps the lock).
 */
export function serveBoard(connection: BoardRunOptions['connection'], options: BoardChildOptions): void {
  const send = (message: FromBoard) => process.send?.(message);
  let ready = false;
  const board = runBoard({ connection, pins: options.pins, ledPin: options.ledPin }, (message) => {
    if (message.type === 'ready') ready = true;
    send(message);
    if (message.type === 'lost') exitSoon(1);
  });
  setTimeout(() => {
    if (ready) return;
    send({ type: 'lost', reason: `no Firmata answer within ${options.readyTimeoutMs} ms` });
    exitSoon(1);
  }, options.readyTimeoutMs).unref();
  process.on('message', (message: ToBoard) => {
    if (message.type === 'led') board.led(message.on);
  });
  // The daemon went away: nothing is listening, so let go of the board.
  process.on('disconnect', () => process.exit(0));
}

/** Lets the last IPC message leave before the process does. */
function exitSoon(code: number): void {
  setTimeout(() => process.exit(code), 50);
}
