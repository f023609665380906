/** What an account may call itself on the broker (see `mayUseClientId`). */
export interface ClientIdOwner {
  role: 'device' | 'server';
  /** For a device: its id, which is its username. */
  deviceId: string | undefined;
}

/** The server's own clients (`earshot-server`, `earshot-server-<host>`, …). */
export const SERVER_CLIENT_PREFIX = 'earshot-server';
const DEVICE_CLIENT_PREFIX = 'earshot-device-';
const DOCTOR_CLIENT_PREFIX = 'earshot-doctor-';

/**
 * Whether an account may connect with `clientId`. MQTT gives a client id to whoever connects
 * with it last and drops the session that held it, so an id not bound to its account lets any
 * valid login knock the server's ingest or another device offline (and fire that device's Last
 * Will). A device owns `earshot-device-<id>`, its bare id and its doctor's
 * `earshot-doctor-<id>-<pid>` (digits only after the id, so `pi-1` cannot take the doctor id of
 * `pi-1-2`), and nothing else: `earshot-server*` is the servers'. Server accounts are trusted
 * with every device's topics already, so they may use any id (operators' tools among them).
 */
export function mayUseClientId(owner: ClientIdOwner, clientId: string): boolean {
  if (owner.role === 'server') return true;
  const id = owner.deviceId;
  if (id === undefined) return false;
  if (clientId === id || clientId === `${DEVICE_CLIENT_PREFIX}${id}`) return true;
  const doctor = `${DOCTOR_CLIENT_PREFIX}${id}-`;
  return clientId.startsWith(doctor) && /^[0-9]+$/.test(clientId.slice(doctor.length));
}

/** Without accounts (development), a device is known by its client id alone. */
export function deviceOfClientId(clientId: string): string | undefined {
  return clientId.startsWith(DEVICE_CLIENT_PREFIX) ? clientId.slice(DEVICE_CLIENT_PREFIX.length) : undefined;
}
