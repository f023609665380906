import type { Database } from '../db/database.js';

/** An import named a device the server does not know: its clips would belong to no store. */
export class UnregisteredDeviceError extends Error {
  override name = 'UnregisteredDeviceError';
}

/**
 * Refuses an import for a device that is not registered (enrolled, seen, or added with
 * `PUT /api/v1/devices/:id`), which used to file clips under a typo'd id no store or report knew.
 */
export async function assertRegisteredDevice(db: Database, deviceId: string): Promise<void> {
  const known = await db.selectFrom('devices').select('id').where('id', '=', deviceId).executeTakeFirst();
  if (known === undefined) {
    throw new UnregisteredDeviceError(
      `device ${deviceId} is not registered: enrol it, or add it with PUT /api/v1/devices/${deviceId}, before importing`,
    );
  }
}

/**
 * An import's error as its caller may see it: the server-side paths of the upload and of the
 * work files (which a decoder quotes) replaced by what they are.
 */
export function withoutServerPaths(message: string, recordingPath: string): string {
  return message
    .split(recordingPath)
    .join('the recording')
    .replace(/(?:\/[\w.@+-]+){2,}\/?/g, '(a server file)');
}
