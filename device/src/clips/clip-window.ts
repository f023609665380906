/** Frames [startFrame, endFrame) of a clip, decided at the moment of the press. */
export interface ClipWindow {
  pressFrame: number;
  startFrame: number;
  endFrame: number;
  /** Less pre-roll than asked for was held (just after start or after a long gap). */
  truncated: boolean;
}

/**
 * The rule for a press: `pre` before and `post` after, but never before the oldest audio held
 * (`heldFrom`): such a clip starts early-as-possible and says it was truncated.
 */
export function planWindow(pressFrame: number, preFrames: number, postFrames: number, heldFrom: number): ClipWindow {
  const wanted = pressFrame - preFrames;
  const startFrame = Math.max(wanted, heldFrom, 0);
  return { pressFrame, startFrame, endFrame: pressFrame + postFrames, truncated: startFrame > wanted };
}
