import {
  CHECKLIST_ID,
  COMMON_WORDS,
  PRESS_EVERY_MS,
  RARE_WORDS,
  pressedAt,
  storeId,
} from '../test/support/clip-corpus.js';

/** What a manager's console asks, by kind: each kind has its own p99 target (issue #15). */
export type ShapeKind = 'list' | 'search' | 'dashboard';

export interface Shape {
  name: string;
  kind: ShapeKind;
  /** The i-th request of this shape: parameters vary so that no two in a row hit the same rows. */
  url(i: number): string;
}

const DAY_MS = 86_400_000;

/**
 * The mixed workload over a corpus of `clips` clips in `stores` stores (test/support/clip-corpus.ts):
 * list pages by every filter, both sorts and deep cursor pages; searches for common and rare
 * words in both languages, alone and with store and dates; and the dashboard's aggregates.
 */
export function workload(clips: number, stores: number): Shape[] {
  const spanMs = clips * PRESS_EVERY_MS;
  const days = Math.max(1, Math.floor(spanMs / DAY_MS));
  // A spread of positions over the corpus, stepping by a prime so that caches do not help.
  const clipAt = (i: number) => (i * 7919 * 31) % clips;
  const dayAt = (i: number) => pressedAt(Math.floor((((i * 37) % days) * DAY_MS) / PRESS_EVERY_MS)).slice(0, 10);
  const instantAt = (i: number, offsetDays = 0) =>
    new Date(Date.parse(`${dayAt(i)}T00:00:00Z`) + offsetDays * DAY_MS).toISOString();
  const month = (i: number) => `from=${instantAt(i)}&to=${instantAt(i, 30)}`;
  const localMonth = (i: number) => `from=${dayAt(i)}&to=${instantAt(i, 29).slice(0, 10)}`;
  const yearOfWeeks = (i: number) =>
    `interval=week&from=${dayAt(i)}&to=${instantAt(i, 364).slice(0, 10)}&timeZone=Europe/Moscow`;
  const store = (i: number) => storeId((i * 13) % stores);
  const cursor = (i: number) => {
    const k = clipAt(i);
    return Buffer.from(`${pressedAt(k)}|c${k.toString(36).padStart(8, '0')}`).toString('base64url');
  };
  const common = (i: number) => encodeURIComponent(COMMON_WORDS[i % COMMON_WORDS.length] as string);
  const list = (name: string, url: (i: number) => string): Shape => ({ name, kind: 'list', url });
  const search = (name: string, url: (i: number) => string): Shape => ({ name, kind: 'search', url });
  const dashboard = (name: string, url: (i: number) => string): Shape => ({ name, kind: 'dashboard', url });
  return [
    list('list-store', (i) => `/api/v1/clips?storeId=${store(i)}`),
    list('list-stores', (i) => `/api/v1/clips?storeId=${store(i)}&storeId=${store(i + 1)}&storeId=${store(i + 2)}`),
    list('list-local-day', (i) => `/api/v1/clips?from=${dayAt(i)}&to=${dayAt(i)}`),
    list('list-store-local-day', (i) => `/api/v1/clips?storeId=${store(i)}&from=${dayAt(i)}&to=${dayAt(i)}`),
    list('list-question', (i) => `/api/v1/clips?questionId=nps&sort=${i % 2 ? 'oldest' : 'newest'}`),
    list('list-nps-range', (i) => `/api/v1/clips?npsMin=${i % 7}&npsMax=${(i % 7) + 3}`),
    list('list-store-nps-detractors', (i) => `/api/v1/clips?storeId=${store(i)}&questionId=nps&npsMax=6`),
    list('list-transcript', (i) => `/api/v1/clips?hasTranscript=${i % 2 === 0}`),
    list('list-flags', (i) => `/api/v1/clips?${['truncated=true', 'hasGaps=true', 'source=import'][i % 3]}`),
    list('list-oldest', (i) => `/api/v1/clips?sort=oldest&storeId=${store(i)}`),
    list('list-deep-page', (i) => `/api/v1/clips?cursor=${cursor(i)}&sort=${i % 2 ? 'oldest' : 'newest'}`),
    list('list-store-deep-page', (i) => `/api/v1/clips?storeId=${store(i)}&cursor=${cursor(i)}`),
    list('list-lowest-score', (i) => `/api/v1/clips?sort=${i % 2 ? 'lowest' : 'highest'}`),
    list('list-store-lowest-score', (i) => `/api/v1/clips?storeId=${store(i)}&sort=lowest`),
    list('fleet', () => '/api/v1/fleet'),
    search('search-common', (i) => `/api/v1/clips?q=${common(i)}`),
    search('search-rare', (i) => `/api/v1/clips?q=${encodeURIComponent(RARE_WORDS[i % 2] as string)}`),
    search('search-store-month', (i) => `/api/v1/clips?q=${common(i)}&storeId=${store(i)}&${month(i)}`),
    search('search-day', (i) => `/api/v1/clips?q=${common(i)}&from=${dayAt(i)}&to=${dayAt(i)}`),
    dashboard('nps-store-month', (i) => `/api/v1/nps?storeId=${store(i)}&${month(i)}`),
    // The dashboard's NPS of every store, in one request.
    dashboard('nps-stores-local-month', (i) => `/api/v1/nps/stores?${localMonth(i)}`),
    dashboard('nps-week', (i) => `/api/v1/nps?from=${instantAt(i)}&to=${instantAt(i, 7)}`),
    // The dashboard's NPS over time as a chain's asks it: a year of local weeks, the total's points
    // and each store's figures, beside the year before; then with every store's points as well.
    dashboard('nps-series-year-week', (i) => `/api/v1/nps/series?${yearOfWeeks(i)}&storePoints=false`),
    dashboard('nps-series-year-week-store-points', (i) => `/api/v1/nps/series?${yearOfWeeks(i)}`),
    dashboard('stats-volume-month', (i) => `/api/v1/stats/volume?${month(i)}`),
    // As the console asks: plain dates, each store's own days; a chain's clips per day as one total.
    dashboard('stats-volume-local-month', (i) => `/api/v1/stats/volume?${localMonth(i)}`),
    dashboard('stats-volume-chain-month', (i) => `/api/v1/stats/volume?${localMonth(i)}&groupBy=day`),
    dashboard('stats-coverage-local-month', (i) => `/api/v1/stats/coverage?${localMonth(i)}`),
    dashboard('stats-coverage-month', (i) => `/api/v1/stats/coverage?${month(i)}`),
    dashboard('stats-transcription-month', (i) => `/api/v1/stats/transcription?${month(i)}`),
    dashboard('stats-transcription-local-month', (i) => `/api/v1/stats/transcription?${localMonth(i)}`),
    dashboard('scorecards-summary-month', (i) => `/api/v1/scorecards/summary?checklistId=${CHECKLIST_ID}&${month(i)}`),
  ];
}

/** p99 targets in ms, by kind (issue #15). */
export const TARGET_P99_MS: Record<ShapeKind, number> = { list: 20, search: 50, dashboard: 100 };

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
