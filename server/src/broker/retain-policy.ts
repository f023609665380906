import type { Topics } from '@earshot/shared/protocol';

/**
 * Whether a message on `topic` may be kept by the broker as retained. Only state meant for the
 * next subscriber is: a device's status (with its Last Will), its config and the device's report
 * of it. Anything else retained (say, 200 KB "clip chunks") would sit in the broker's memory until
 * it restarts, so the embedded broker stores such a message unretained (delivered, not kept).
 */
export function mayRetain(topics: Topics, topic: string): boolean {
  const parsed = topics.parse(topic);
  return parsed?.kind === 'status' || parsed?.kind === 'config' || parsed?.kind === 'config-state';
}
