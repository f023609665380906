export type LineMeaning = { type: 'press'; button: number } | { type: 'cancel' } | { type: 'garbage'; reason: string };

export interface LineProtocolOptions {
  /** Its first capture group is the box's button number. */
  pattern: RegExp;
  cancelPattern: RegExp;
  /** Box button -> logical button; numbers not listed are taken as logical already. */
  buttons: Map<number, number>;
  /** Logical buttons are 1..maxButton. */
  maxButton: number;
}

/** What one line from a serial button box means. */
export function parseLine(line: string, options: LineProtocolOptions): LineMeaning {
  const text = line.replace(/\r$/, '');
  if (options.cancelPattern.test(text)) return { type: 'cancel' };
  const match = options.pattern.exec(text);
  if (!match) return { type: 'garbage', reason: 'matches neither the press nor the cancel pattern' };
  const number = Number(match[1]);
  if (!Number.isInteger(number)) return { type: 'garbage', reason: `"${match[1]}" is not a button number` };
  const button = options.buttons.get(number) ?? number;
  if (button < 1 || button > options.maxButton) {
    return { type: 'garbage', reason: `button ${button} is outside 1..${options.maxButton}` };
  }
  return { type: 'press', button };
}
