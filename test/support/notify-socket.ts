import { join } from 'node:path';
import { type RunningProcess, startProcess, waitFor } from './processes.js';
import { tempDir } from './temp-dir.js';

/**
 * systemd's side of sd_notify(3): a unix datagram socket that records each message. Node cannot
 * bind one, so a few lines of Python (Debian's python3) do. Like systemd it closes the file
 * descriptor that systemd-notify passes with BARRIER=1, which releases the sender's wait.
 */
const RECEIVER = `
import array, json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    data, ancillary, _flags, _address = s.recvmsg(4096, socket.CMSG_SPACE(64 * 4))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
            for fd in fds:
                os.close(fd)
    print("message " + json.dumps(data.decode()), flush=True)
`;

export interface NotifySocket {
  /** Set NOTIFY_SOCKET to this in the notifying process's environment. */
  readonly path: string;
  /** Every assignment received so far (a message with several lines gives several), in order. */
  assignments(): string[];
  /** Resolves once `count` assignments equal to `assignment` have arrived. */
  waitFor(assignment: string, count?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startNotifySocket(): Promise<NotifySocket> {
  const dir = await tempDir('earshot-notify-');
  const path = join(dir.path, 'notify');
  const receiver: RunningProcess = startProcess('python3', ['-c', RECEIVER, path]);
  await receiver.waitForLine(/^listening$/, 10_000);
  const assignments = () =>
    receiver
      .output()
      .split('\n')
      .filter((line) => line.startsWith('message '))
      .flatMap((line) => (JSON.parse(line.slice('message '.length)) as string).split('\n'))
      .filter((assignment) => assignment !== '');
  return {
    path,
    assignments,
    async waitFor(assignment, count = 1) {
      await waitFor(`${count} × ${assignment} on the notify socket`, async () =>
        assignments().filter((a) => a === assignment).length >= count ? true : undefined,
      );
    },
    async stop() {
      await receiver.stop();
      await dir.remove();
    },
  };
}
