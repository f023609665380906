import type { Word } from '../../src/transcription/transcript.js';

/** A line of a conversation, spoken from `atMs`. */
export interface Line {
  atMs: number;
  text: string;
}

/** Words as an engine returns them: each 300 ms long with 100 ms between, a line starting at its time. */
export function spoken(...lines: Line[]): Word[] {
  const words: Word[] = [];
  for (const line of lines) {
    let at = line.atMs;
    for (const word of line.text.split(/\s+/).filter((w) => w !== '')) {
      words.push({ word, startMs: at, endMs: at + 300, confidence: null });
      at += 400;
    }
  }
  return words;
}

/** Where a line spoken from `atMs` ends. */
export function endOf(line: Line): number {
  return line.atMs + line.text.split(/\s+/).filter((w) => w !== '').length * 400 - 100;
}
