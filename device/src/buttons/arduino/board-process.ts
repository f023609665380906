import type { BoardChildOptions } from './board-protocol.js';
import { serveBoard } from './board-child.js';

/** Entry of the supervised child process for a real Arduino: options come as JSON in argv. */
const options = JSON.parse(process.argv[2] ?? '{}') as BoardChildOptions;
serveBoard({ port: options.port }, options);
