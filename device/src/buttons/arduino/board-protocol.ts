/** What the board child tells the daemon, over the child process's IPC channel. */
export type FromBoard =
  | { type: 'ready' }
  | { type: 'edge'; pin: number; pressed: boolean }
  /** The board is gone (unplugged, reset, never answered); the child exits right after. */
  | { type: 'lost'; reason: string };

/** What the daemon tells the board child. */
export type ToBoard = { type: 'led'; on: boolean };

export interface BoardChildOptions {
  port: string;
  pins: number[];
  ledPin?: number | undefined;
  /** No Firmata "ready" this long after start: the board is not there or runs other firmware. */
  readyTimeoutMs: number;
}
