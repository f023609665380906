// Answer accuracy (issue #12, "Measured accuracy"): precision, recall and review share of
// (a) the reader on ground-truth transcripts, en and ru, and (b) the whole offline path
// (flite audio → pocketsphinx → reader → targeted re-recognition → combined answer), en, clean
// and at 20 dB and 10 dB SNR (pink noise and babble, alternately), with the reader alone on the
// same transcripts as the baseline. Knobs (environment):
// - ANSWERS_BENCH_EVERY=n decodes every n-th clip only;
// - ANSWERS_BENCH_CONDITIONS=clean,snr10 runs only the named conditions (clean, snr20, snr10);
// - ANSWERS_BENCH_WIDTH=n decodes n clips at a time (default 2: the machine's cores);
// - ANSWERS_BENCH_CACHE=dir keeps full-decode transcripts there between runs, for trials of the
//   reader or the targeted decode (keyed by the audio and the full decode's arguments);
// - ANSWERS_BENCH_FULL_ARGS / ANSWERS_BENCH_TARGETED_ARGS="-wip 0.2" add pocketsphinx arguments to
//   the full / the grammar decode, as an operator's `args` would, to trial decode settings;
// - ANSWERS_BENCH_TIMEOUT_MS: the full and the grammar decode's timeout (default 300000). At 10 dB, pocketsphinx
//   hears speech in all of the noise and a clip's full decode on a loaded machine can take longer.
import { report } from '@earshot/test-kit/bench';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { PocketsphinxTargeted } from '../src/answers/targeted/pocketsphinx-targeted.js';
import { readAnswer } from '../src/answers/read-answer.js';
import { PocketsphinxEngine } from '../src/transcription/pocketsphinx-engine.js';
import { englishCases } from '../test/support/answer-corpus/cases-en.js';
import { russianCases } from '../test/support/answer-corpus/cases-ru.js';
import { scriptedTiming } from '../test/support/answer-corpus/corpus-case.js';
import { CachedEngine } from '../test/support/answer-corpus/cached-engine.js';
import { babble, mixAtSnr, synthNoise } from '../test/support/answer-corpus/mix-noise.js';
import { readOffline } from '../test/support/answer-corpus/offline-path.js';
import { renderCase, type RenderedCase } from '../test/support/answer-corpus/render-audio.js';
import {
  type CaseOutcome,
  contextOf,
  type CorpusScore,
  describeMisses,
  scoreCorpus,
} from '../test/support/answer-corpus/score-corpus.js';

function print(name: string, score: CorpusScore, baseline?: CorpusScore): void {
  report(
    `${name}.precision`,
    score.precision,
    '%',
    baseline && { name: `${name}.precision.reader-alone`, value: baseline.precision },
  );
  report(
    `${name}.recall`,
    score.recall,
    '%',
    baseline && { name: `${name}.recall.reader-alone`, value: baseline.recall },
  );
  report(`${name}.review-share`, score.reviewShare, '%');
  for (const line of describeMisses(score)) process.stderr.write(`${name}: ${line}\n`);
}

/** Runs `fn` over `items`, `width` at a time (the machine has two cores). */
async function inParallel<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i] as T);
      }
    }),
  );
  return results;
}

for (const [language, cases] of [
  ['en', englishCases()],
  ['ru', russianCases()],
] as const) {
  const outcomes = cases.map((c) => {
    const timed = scriptedTiming(c);
    return { case: c, answer: readAnswer(timed.words, contextOf(c, timed.pressMs)) };
  });
  print(`answers.transcript.${language}`, scoreCorpus(outcomes));
}

const every = Number(process.env.ANSWERS_BENCH_EVERY ?? 1);
const width = Number(process.env.ANSWERS_BENCH_WIDTH ?? 2);
const conditions = (process.env.ANSWERS_BENCH_CONDITIONS ?? 'clean,snr20,snr10').split(',');
const cacheDir = process.env.ANSWERS_BENCH_CACHE;
const timeoutMs = Number(process.env.ANSWERS_BENCH_TIMEOUT_MS ?? 300_000);
const cases = englishCases().filter((_, i) => i % every === 0);
const dir = await tempDir('earshot-answers-bench-');
try {
  const argsOf = (value: string | undefined) => (value ?? '').split(' ').filter((a) => a !== '');
  const fullArgs = argsOf(process.env.ANSWERS_BENCH_FULL_ARGS);
  const fullDecode = new PocketsphinxEngine({ command: 'pocketsphinx_continuous', args: fullArgs, timeoutMs });
  const engine = cacheDir ? new CachedEngine(fullDecode, cacheDir, JSON.stringify(fullArgs)) : fullDecode;
  const targeted = new PocketsphinxTargeted({
    command: 'pocketsphinx_continuous',
    args: argsOf(process.env.ANSWERS_BENCH_TARGETED_ARGS),
    timeoutMs,
  });
  const rendered = await inParallel(cases, width, (c) => renderCase(c, dir.path));
  const pink = await synthNoise(dir.path, 30);
  const noisy = (snrDb: number) =>
    rendered.map((r, i): RenderedCase => {
      const noise =
        i % 2 === 0
          ? pink
          : babble(
              [1, 2, 3].map((k) => (rendered[(i + k * 7) % rendered.length] as RenderedCase).pcm),
              r.pcm.length,
            );
      return { ...r, pcm: mixAtSnr(r.pcm, noise, snrDb) };
    });
  for (const [condition, clips] of [
    ['clean', rendered],
    ['snr20', noisy(20)],
    ['snr10', noisy(10)],
  ] as const) {
    if (!conditions.includes(condition)) continue;
    const started = performance.now();
    const answers = await inParallel(clips, width, (r) =>
      readOffline(r.timed.case, r.pcm, r.timed.pressMs, engine, targeted),
    );
    const outcome = (pick: 'transcriptOnly' | 'combined') =>
      answers.map((a, i): CaseOutcome => ({ case: (clips[i] as RenderedCase).timed.case, answer: a[pick] }));
    print(`answers.offline.en.${condition}`, scoreCorpus(outcome('combined')), scoreCorpus(outcome('transcriptOnly')));
    report(
      `answers.offline.en.${condition}.seconds-per-clip`,
      (performance.now() - started) / 1000 / clips.length,
      's',
    );
  }
} finally {
  await dir.remove();
}
