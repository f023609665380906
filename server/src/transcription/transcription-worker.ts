import { buffer } from 'node:stream/consumers';
import type { Logger } from '@earshot/shared/log';
import type { Database } from '../db/database.js';
import { TRANSCRIBE_QUEUE } from '../ingest/clip-ingest.js';
import type { AnswerSettings, MachineAnswer, TargetedRecogniser } from '../answers/answer.js';
import { wordsOfText } from '../answers/answer-tokens.js';
import { saveMachineAnswer } from '../answers/answer-store.js';
import { clipAnswerContext } from '../answers/clip-answer-context.js';
import { withTargetedReading } from '../answers/combine-readings.js';
import { readAnswer } from '../answers/read-answer.js';
import type { Job, JobQueue, RetryPolicy } from '../queue/job-queue.js';
import { QueueWorker } from '../queue/queue-worker.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { EngineRouter } from './engine-router.js';
import { type ClipAudio, EngineError, type Transcript, type Word } from './transcript.js';

export interface TranscriptionWorkerOptions {
  db: Database;
  blobs: BlobStore;
  queue: JobQueue;
  engines: EngineRouter;
  retry: RetryPolicy;
  concurrency: number;
  pollIntervalMs: number;
  /** For clips whose device belongs to no store. */
  defaultLanguage: string;
  logger: Logger;
  onTranscribed?: (clipId: string) => void;
  /** transcript.ready and, for NPS answers of 0–6, answer.detractor, in the transcript's transaction. */
  webhooks?: Webhooks;
  /**
   * The targeted re-recognition of the answer window for a language (answers/answer.ts), or
   * undefined: the transcript's reading stands alone.
   */
  targeted?: (language: string) => TargetedRecogniser | undefined;
}

interface TranscribePayload {
  clipId: string;
}

/**
 * Takes transcription jobs off the queue, `concurrency` at a time: reads the clip's audio, asks
 * the engine for its store's language, reads the answer (answers/read-answer.ts, then the
 * targeted re-recognition of its window when one is configured) and stores transcript and answer
 * in one transaction. A failure goes back to the queue (retried with backoff, then dead);
 * the clip's status follows: transcribing, transcribed, or failed once its job is dead.
 */
export class TranscriptionWorker extends QueueWorker<TranscribePayload> {
  constructor(private readonly options: TranscriptionWorkerOptions) {
    super({
      queue: options.queue,
      name: TRANSCRIBE_QUEUE,
      concurrency: options.concurrency,
      pollIntervalMs: options.pollIntervalMs,
      logger: options.logger,
    });
  }

  protected async handle(job: Job<TranscribePayload>): Promise<void> {
    const { db, queue, logger } = this.options;
    const clipId = job.payload.clipId;
    const clip = await db
      .selectFrom('clips')
      .leftJoin('stores', 'stores.id', 'clips.store_id')
      .leftJoin('questions', 'questions.id', 'clips.question_id')
      .select([
        'clips.storage_key',
        'clips.container',
        'clips.codec',
        'clips.sample_rate',
        'clips.channels',
        'clips.duration_ms',
        'stores.language',
        'questions.kind as question_kind',
        'questions.text_en',
        'questions.text_ru',
        'questions.answer_settings_json',
        'clips.meta_json',
        'clips.store_id',
        'clips.question_id',
      ])
      .where('clips.id', '=', clipId)
      .executeTakeFirst();
    if (!clip) {
      logger.warn({ clipId, jobId: job.id }, 'transcription job for a clip that does not exist: dropped');
      await queue.complete(job);
      return;
    }
    await db.updateTable('clips').set({ status: 'transcribing' }).where('id', '=', clipId).execute();
    const language = clip.language ?? this.options.defaultLanguage;
    try {
      const engine = this.options.engines.engineFor(language);
      if (!engine) throw new EngineError(`no transcription engine configured for language ${language}`);
      const audio: ClipAudio = {
        data: await buffer(await this.options.blobs.read(clip.storage_key)),
        container: clip.container as ClipAudio['container'],
        codec: clip.codec as ClipAudio['codec'],
        sampleRate: clip.sample_rate,
        channels: clip.channels,
        durationMs: clip.duration_ms,
      };
      const transcript = await engine.transcribe(audio, language, this.signal);
      const context = clipAnswerContext({
        metaJson: clip.meta_json,
        durationMs: clip.duration_ms,
        questionKind: clip.question_kind,
        textEn: clip.text_en,
        textRu: clip.text_ru,
        settingsJson: clip.answer_settings_json,
        language,
      });
      const words = transcript.words.length > 0 ? transcript.words : wordsOfText(transcript.text);
      let answer = context ? readAnswer(words, context) : undefined;
      if (answer && context) answer = await this.targetedReading(answer, words, audio, language, context.settings);
      await this.store(clipId, transcript, answer, {
        clipId,
        storeId: clip.store_id,
        questionId: clip.question_id,
      });
      await queue.complete(job);
      logger.info({ clipId, engine: engine.name, words: transcript.words.length }, 'clip transcribed');
      this.options.onTranscribed?.(clipId);
    } catch (error) {
      if (this.signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      const retryAfterMs = error instanceof EngineError ? error.retryAfterMs : undefined;
      const state = await queue.fail(job, message, this.options.retry, retryAfterMs);
      await db
        .updateTable('clips')
        .set({ status: state === 'dead' ? 'failed' : 'received' })
        .where('id', '=', clipId)
        .execute();
      logger.warn({ clipId, jobId: job.id, attempt: job.attempts, state, error: message }, 'transcription failed');
    }
  }

  /**
   * The answer with the targeted re-recognition of its window combined in. A failing recogniser
   * costs the clip its second reading, never its transcript.
   */
  private async targetedReading(
    answer: MachineAnswer,
    words: readonly Word[],
    audio: ClipAudio,
    language: string,
    settings: AnswerSettings,
  ): Promise<MachineAnswer> {
    const recogniser = answer.form === 'text' ? undefined : this.options.targeted?.(language);
    if (!recogniser) return answer;
    try {
      const reading = await recogniser.recognise(audio, answer.window, answer.form, language, this.signal);
      return reading ? withTargetedReading(answer, reading, settings, words) : answer;
    } catch (error) {
      if (this.signal.aborted) throw error;
      this.options.logger.warn(
        { recogniser: recogniser.name, error: error instanceof Error ? error.message : String(error) },
        'targeted re-recognition failed: the transcript reading stands alone',
      );
      return answer;
    }
  }

  private async store(
    clipId: string,
    transcript: Transcript,
    answer: MachineAnswer | undefined,
    about: { clipId: string; storeId: string | null; questionId: string | null },
  ): Promise<void> {
    const webhooks = this.options.webhooks;
    const at = new Date().toISOString();
    const row = {
      engine: transcript.engine,
      language: transcript.language,
      text: transcript.text,
      words_json: JSON.stringify(transcript.words),
      duration_ms: transcript.durationMs,
      created_at: at,
    };
    await this.options.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('transcripts')
        .values({ clip_id: clipId, ...row })
        .onConflict((oc) => oc.column('clip_id').doUpdateSet(row))
        .execute();
      const inForce = answer ? await saveMachineAnswer(trx, clipId, answer, at) : undefined;
      const npsScore = answer?.form === 'nps' ? (inForce?.value ?? null) : null;
      // A person's answer was announced when they gave it; only the machine's is new here.
      if (npsScore !== null && npsScore <= 6 && inForce?.source === 'machine') {
        await webhooks?.emit(trx, 'answer.detractor', { ...about, score: npsScore }, transcript.text);
      }
      await webhooks?.emit(
        trx,
        'transcript.ready',
        {
          ...about,
          language: transcript.language,
          npsScore,
          answer: answer ? { form: answer.form, value: inForce?.value ?? null, source: inForce?.source ?? null } : null,
        },
        transcript.text,
      );
      await trx.updateTable('clips').set({ status: 'transcribed' }).where('id', '=', clipId).execute();
    });
  }
}
