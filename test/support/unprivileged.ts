/**
 * Who to run a process as so that the kernel refuses it what a service user is refused (a port
 * below 1024, a folder it does not own): `nobody` when the tests run as root, where every such
 * check passes; the tests' own user otherwise, which is unprivileged already.
 */
export function unprivilegedUser(): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
}
