import type { Database } from '../db/database.js';
import type { Word } from '../transcription/transcript.js';
import type { MachineAnswer } from './answer.js';
import { wordsOfText } from './answer-tokens.js';
import { saveMachineAnswer } from './answer-store.js';
import { clipAnswerContext } from './clip-answer-context.js';
import { withTargetedReading } from './combine-readings.js';
import { readAnswer } from './read-answer.js';

export interface RereadScope {
  questionId?: string;
  storeId?: string;
  /** Only these stores (a manager's); undefined: every store. */
  storeIds?: readonly string[];
}

export interface RereadCounts {
  /** Transcribed clips with a question looked at. */
  read: number;
  /** Clips whose machine answer changed and was written. */
  changed: number;
  /** Clips whose machine answer came out the same: nothing written. */
  unchanged: number;
  /** Of the changed, those where a person's answer stays in force. */
  humanKept: number;
}

export interface RereadOptions extends RereadScope {
  /** Clips read per batch (and per transaction). */
  batchSize?: number;
  /** Called after each batch with the counts so far and the number of clips in scope. */
  onProgress?: (counts: RereadCounts, total: number) => void;
  now?: () => Date;
}

/**
 * Reads the answers of stored transcripts again (after a reader or a question's settings
 * changed) without transcribing again. Idempotent: an answer that comes out the same is not
 * written, so a second run changes nothing. A person's answer is never overwritten
 * (saveMachineAnswer). A targeted re-recognition stored with the answer is kept when the new
 * window is the one it decoded, and dropped otherwise: its audio was another stretch.
 */
export async function rereadAnswers(db: Database, options: RereadOptions = {}): Promise<RereadCounts> {
  const batchSize = options.batchSize ?? 200;
  const counts: RereadCounts = { read: 0, changed: 0, unchanged: 0, humanKept: 0 };
  if (options.storeIds?.length === 0) return counts;
  const total = Number(
    (
      await scoped(db, options)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  for (let after = ''; ;) {
    const rows = await scoped(db, options)
      .leftJoin('answers', 'answers.clip_id', 'clips.id')
      .select([
        'clips.id',
        'clips.meta_json',
        'clips.duration_ms',
        'questions.kind',
        'questions.text_en',
        'questions.text_ru',
        'questions.answer_settings_json',
        'transcripts.words_json',
        'transcripts.text',
        'transcripts.language',
        'answers.machine_json',
        'answers.human_at',
      ])
      .where('clips.id', '>', after)
      .orderBy('clips.id')
      .limit(batchSize)
      .execute();
    const last = rows.at(-1);
    if (!last) return counts;
    const at = (options.now?.() ?? new Date()).toISOString();
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const context = clipAnswerContext({
          metaJson: row.meta_json,
          durationMs: row.duration_ms,
          questionKind: row.kind,
          textEn: row.text_en,
          textRu: row.text_ru,
          settingsJson: row.answer_settings_json,
          language: row.language,
        });
        if (!context) continue;
        counts.read += 1;
        const previous = row.machine_json ? (JSON.parse(row.machine_json) as MachineAnswer) : undefined;
        const words = JSON.parse(row.words_json) as Word[];
        const heard = words.length > 0 ? words : wordsOfText(row.text);
        let answer = readAnswer(heard, context);
        const targeted = previous?.readings.find((r) => r.source === 'targeted');
        if (targeted && previous && sameWindow(previous, answer)) {
          answer = withTargetedReading(answer, targeted, context.settings, heard);
        }
        if (previous && JSON.stringify(previous) === JSON.stringify(answer)) {
          counts.unchanged += 1;
          continue;
        }
        await saveMachineAnswer(trx, row.id, answer, at);
        counts.changed += 1;
        if (row.human_at) counts.humanKept += 1;
      }
    });
    options.onProgress?.({ ...counts }, total);
    after = last.id;
  }
}

/** Transcribed clips with a question, narrowed to the scope. */
function scoped(db: Database, scope: RereadScope) {
  let query = db
    .selectFrom('clips')
    .innerJoin('transcripts', 'transcripts.clip_id', 'clips.id')
    .innerJoin('questions', 'questions.id', 'clips.question_id');
  if (scope.questionId) query = query.where('clips.question_id', '=', scope.questionId);
  if (scope.storeId) query = query.where('clips.store_id', '=', scope.storeId);
  if (scope.storeIds) query = query.where('clips.store_id', 'in', scope.storeIds);
  return query;
}

function sameWindow(a: MachineAnswer, b: MachineAnswer): boolean {
  return a.window.startMs === b.window.startMs && a.window.endMs === b.window.endMs && a.form === b.form;
}
