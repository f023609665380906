/** The parts of johnny-five 2.x that the Arduino input uses (a CommonJS module: default import only). */
declare module 'johnny-five' {
  import { EventEmitter } from 'node:events';

  namespace five {
    interface BoardOptions {
      port?: string;
      io?: EventEmitter;
      repl?: boolean;
      debug?: boolean;
      sigint?: boolean;
      timeout?: number;
    }

    class Board extends EventEmitter {
      constructor(options: BoardOptions);
      readonly isReady: boolean;
    }

    interface ButtonOptions {
      pin: number;
      board: Board;
      isPullup?: boolean;
      holdtime?: number;
    }

    class Button extends EventEmitter {
      constructor(options: ButtonOptions);
    }

    class Led {
      constructor(options: { pin: number; board: Board });
      on(): this;
      off(): this;
    }
  }

  export default five;
}
