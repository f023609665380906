/**
 * Why `button` is not one of the device's logical buttons 1..`count`, or undefined when it is:
 * the one check for a press from outside (the HTTP button, a remote test press).
 */
export function buttonProblem(button: unknown, count: number): string | undefined {
  if (typeof button !== 'number' || !Number.isInteger(button)) {
    return `/button must be an integer from 1 to ${count} (got ${JSON.stringify(button)})`;
  }
  if (button < 1 || button > count) return `/button must be from 1 to ${count} (got ${button})`;
  return undefined;
}
