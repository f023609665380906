import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

export const MIN_PASSWORD = 12;
/** zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
const MIN_SCORE = 3;

// The common-password, name, word and keyboard lists ship inside the packages: nothing is fetched.
const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
});

/**
 * Why a password people chose is refused, or undefined when it will do: long enough, and not a
 * common password, a keyboard walk, a repetition or the username dressed up (zxcvbn's estimate).
 */
export function passwordWeakness(password: string, username: string): string | undefined {
  if (password.length < MIN_PASSWORD) return `at least ${MIN_PASSWORD} characters`;
  const { score, feedback } = zxcvbn.check(password, [username, 'earshot']);
  if (score >= MIN_SCORE) return undefined;
  const why = feedback.warning ? ` (${feedback.warning.replace(/\.$/, '')})` : '';
  return `too easy to guess${why}: use a longer phrase of unrelated words, or a generated password`;
}
