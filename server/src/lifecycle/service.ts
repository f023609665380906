/**
 * One piece of the running server that has something to start and to stop: a listener, a
 * connection, a worker, a timer. The server starts its services in order and stops them in
 * reverse (see Lifecycle), as zigbee2mqtt's controller does its extensions.
 */
export interface Service {
  /** For logs: "database", "http", "fleet check". */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
