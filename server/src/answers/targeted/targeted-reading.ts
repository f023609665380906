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
  const tokens = tokenize(words);
  const at = { questionHeard: true, untimed: false, pressMs: words.at(-1)?.endMs ?? 0 };
  const reading =
    form === 'yes_no' ? readYesNo(tokens, at) : readScale(tokens, form === 'nps' ? NPS_SCALE : CSAT_SCALE, at);
  return {
    ...reading,
    source: 'targeted',
    confidence: reading.value === null ? 0 : confidence(reading),
  };
}
