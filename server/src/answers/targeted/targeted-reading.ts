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
 * The question's scale at the start of a window ("from zero to ten"), as a grammar decode hears
 * it: "from zero to to", "from zero uh did to". The decode's last words of the scale are too
 * unreliable for the reader's exclusion to match, so a number right after "from" is dropped with
 * the words up to the next "to" and the word after it.
 */
function withoutScale(words: readonly Word[]): Word[] {
  const kept: Word[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i]?.word === 'from' && i + 1 < words.length) {
      const to = words.findIndex((w, j) => j > i + 1 && j <= i + 4 && w.word === 'to');
      if (to > 0) {
        i = to + 1;
        continue;
      }
    }
    kept.push(words[i] as Word);
  }
  return kept;
}
