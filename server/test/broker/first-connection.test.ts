import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { it } from 'node:test';
import { connect } from 'mqtt';
import { firstConnection } from '../../src/broker/first-connection.js';

/** A broker that takes the TCP connection at once and answers the CONNECT only when told. */
async function slowBroker(): Promise<{ port: number; answer: () => void; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    // CONNACK, session not present, accepted.
    answer: () => sockets.forEach((s) => s.write(Buffer.from([0x20, 0x02, 0x00, 0x00]))),
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// A fleet of a thousand devices reconnecting to a restarted Mosquitto holds the server's login
// for more than ten seconds (each device's a PBKDF2 check); the server gave up and exited then.
it('waits past ten seconds for a broker that accepted the connection and is slow to answer the login', async (t) => {
  const broker = await slowBroker();
  t.after(() => broker.close());
  const client = connect(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 1000, connectTimeout: 60_000 });
  t.after(() => client.end(true));
  const first = firstConnection(client, 'mqtt://slow');
  const outcome = first.then(
    () => 'connected',
    (error: unknown) => (error as Error).message,
  );
  // Past the ten seconds an unreachable broker is given.
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  broker.answer();
  assert.equal(await outcome, 'connected');
});
