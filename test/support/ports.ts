import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/**
 * Where test servers listen: below the kernel's range of ephemeral ports. A port the kernel picks
 * for a listener (`listen(0)`) comes from that range, and once closed it is handed to the next
 * outgoing connection of any process, a database or broker client of a test running beside: the
 * server told that port then failed to start ("MQTT port 37879 is in use", seen in a CI run).
 */
const TEST_PORTS = { from: 20_000, to: 32_767 };

/** A TCP port free on 127.0.0.1 right now, outside the ephemeral range: a test server takes it next. */
export async function freePort(): Promise<number> {
  const ephemeral = await ephemeralPorts();
  const to = Math.min(TEST_PORTS.to, ephemeral.from - 1);
  if (to < TEST_PORTS.from) {
    throw new Error(
      `the ephemeral ports start at ${ephemeral.from}: no room below for test servers from ${TEST_PORTS.from}`,
    );
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = TEST_PORTS.from + Math.floor(Math.random() * (to - TEST_PORTS.from + 1));
    if (await listenable(port)) return port;
  }
  throw new Error(`no free port on 127.0.0.1 between ${TEST_PORTS.from} and ${to} after 100 tries`);
}

/** The range the kernel takes outgoing connections' ports from (Linux's default when unreadable). */
export async function ephemeralPorts(): Promise<{ from: number; to: number }> {
  try {
    const [from, to] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/);
    return { from: Number(from), to: Number(to) };
  } catch {
    return { from: 32_768, to: 60_999 };
  }
}

async function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
