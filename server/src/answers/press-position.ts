import type { ClipMeta } from '@earshot/shared/protocol';

/**
 * Where the press lies in the clip, in ms from its first sample. Devices and the importer both
 * give the window and the press as frames of one capture timeline (missing audio is filled with
 * silence, so frames keep tracking time), which makes this exact whatever the wall clock did.
 */
export function pressMsOf(meta: Pick<ClipMeta, 'startFrame' | 'pressFrame' | 'sampleRate'>): number {
  return Math.max(0, Math.round(((meta.pressFrame - meta.startFrame) / meta.sampleRate) * 1000));
}
