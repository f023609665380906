import { buffer } from 'node:stream/consumers';
import type { Logger } from '@earshot/shared/log';
import type { Database } from '../db/database.js';
import { TRANSCRIBE_QUEUE } from '../ingest/clip-ingest.js';
import { extractNps, wordsOfText } from '../nps/nps-extractor.js';
import type { Job, JobQueue, RetryPolicy } from '../queue/job-queue.js';
import { QueueWorker } from '../queue/queue-worker.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { EngineRouter } from './engine-router.js';
import { type ClipAudio, EngineError, type Transcript } from './transcript.js';

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
}

interface TranscribePayload {
  clipId: string;
}

/**
 * Takes transcription jobs off the queue, `concurrency` at a time: reads the clip's audio, asks
 * the engine for its store's language, stores the transcript and, for NPS questions, the score,
 * all in one transaction. A failure goes back to the queue (retried with backoff, then dead);
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
      await this.store(clipId, transcript, clip.question_kind === 'nps', {
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

  private async store(
    clipId: string,
    transcript: Transcript,
    nps: boolean,
    about: { clipId: string; storeId: string | null; questionId: string | null },
  ): Promise<void> {
    const webhooks = this.options.webhooks;
    const at = new Date().toISOString();
    const result = nps
      ? extractNps(transcript.words.length > 0 ? transcript.words : wordsOfText(transcript.text))
      : undefined;
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
      if (result) {
        const score = {
          kind: 'nps' as const,
          value: result.score,
          evidence_json: 'evidence' in result ? JSON.stringify(result.evidence) : null,
          reason: 'reason' in result ? result.reason : null,
          created_at: at,
        };
        await trx
          .insertInto('scores')
          .values({ clip_id: clipId, ...score })
          .onConflict((oc) => oc.column('clip_id').doUpdateSet(score))
          .execute();
        if (result.score !== null && result.score <= 6) {
          await webhooks?.emit(trx, 'answer.detractor', { ...about, score: result.score }, transcript.text);
        }
      }
      await webhooks?.emit(
        trx,
        'transcript.ready',
        { ...about, language: transcript.language, npsScore: result?.score ?? null },
        transcript.text,
      );
      await trx.updateTable('clips').set({ status: 'transcribed' }).where('id', '=', clipId).execute();
    });
  }
}
