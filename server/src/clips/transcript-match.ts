/** A word of a transcript, as engines give them. */
export interface TimedWord {
  word: string;
  startMs: number;
  endMs: number;
}

/** Where a search found its words in a clip: a few words around the first hit, and its time. */
export interface TranscriptMatch {
  /** The hit in [brackets], with up to five words either side. */
  snippet: string;
  /** Start of the first matching word, from the start of the clip; null when the engine gave no word times. */
  startMs: number | null;
}

/** The words of a search query: letters and digits of any script, lowercased. */
export function searchTerms(q: string): string[] {
  return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16);
}

/** Finds the first word of the transcript that starts with any of the terms. */
export function findMatch(text: string, words: TimedWord[], terms: string[]): TranscriptMatch | undefined {
  const hits = (token: string) => {
    const lower = token.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
    return lower.length > 0 && terms.some((term) => lower.startsWith(term));
  };
  if (words.length > 0) {
    const at = words.findIndex((w) => hits(w.word));
    if (at >= 0) {
      return {
        snippet: around(
          words.map((w) => w.word),
          at,
        ),
        startMs: words[at]?.startMs ?? null,
      };
    }
  }
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  const at = tokens.findIndex(hits);
  return at < 0 ? undefined : { snippet: around(tokens, at), startMs: null };
}

function around(tokens: string[], at: number): string {
  const from = Math.max(0, at - 5);
  return tokens
    .slice(from, at + 6)
    .map((token, i) => (from + i === at ? `[${token}]` : token))
    .join(' ');
}
