import type { Word } from '../../transcription/transcript.js';
import type { AnswerForm, AnswerReading } from '../answer.js';
import { tokenize } from '../answer-tokens.js';
import { CSAT_SCALE, NPS_SCALE, readScale } from '../scale-reader.js';
import { readYesNo } from '../yes-no-reader.js';

/**
 * Reads the words of a targeted decode with the same rules as the transcript (ranges, negations,
 * exclusions all still refuse), marked as a targeted reading with `confidence`.
 */
export function readTargetedWords(
  form: Exclude<AnswerForm, 'text'>,
  words: readonly Word[],
  confidence: (reading: AnswerReading) => number,
): AnswerReading {
  const tokens = tokenize(withoutScale(words));
  const at = { questionHeard: true, untimed: false, pressMs: words.at(-1)?.endMs ?? 0 };
  const reading =
    form === 'yes_no' ? readYesNo(tokens, at) : readScale(tokens, form === 'nps' ? NPS_SCALE : CSAT_SCALE, at);
  return {
    ...reading,
    source: 'targeted',
    confidence: reading.value === null ? 0 : confidence(reading),
  };
}

/**
 * The words after the question's scale ("from zero to ten"), as a grammar decode hears it: "from
 * zero to to", "eight from zero uh did to". The scale ends the question, and the window starts
 * where the transcript put the question's end, so what the decode hears before the scale is the
 * question's tail read as score words (its "friend" as "eight"), never the answer. The decode's
 * last words of the scale are too unreliable for the reader's exclusion to match, so the scale is
 * taken to run from a "from" followed by a number, up to the next "to" and the word after it.
 */
function withoutScale(words: readonly Word[]): Word[] {
  let after = 0;
  for (let i = 0; i < words.length; i++) {
    if (words[i]?.word !== 'from' || i + 1 >= words.length) continue;
    const to = words.findIndex((w, j) => j > i + 1 && j <= i + 4 && w.word === 'to');
    if (to > 0) after = to + 2;
  }
  return words.slice(after);
}
