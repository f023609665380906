import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Database } from '../../db/database.js';
import { TRANSCRIBE_QUEUE } from '../../ingest/clip-ingest.js';
import type { JobQueue } from '../../queue/job-queue.js';
import { ErrorBody, IdParams } from '../schemas.js';

const Counts = Type.Object({
  queued: Type.Integer(),
  active: Type.Integer(),
  done: Type.Integer(),
  dead: Type.Integer(),
});
const DeadJob = Type.Object({
  id: Type.String(),
  clipId: Type.String(),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String(),
});

export interface TranscriptionJobsOptions {
  db: Database;
  queue: JobQueue;
  /** A job became due: the worker should look now. */
  onQueued: () => void;
}

/** The transcription queue: counts, the dead letters with their last errors, and re-queueing. */
export const transcriptionJobsRoutes: FastifyPluginAsyncTypebox<TranscriptionJobsOptions> = async (
  app,
  { db, queue, onQueued },
) => {
  app.get(
    '/api/v1/transcription/jobs',
    {
      config: { permission: 'jobs:manage' },
      schema: {
        tags: ['transcription'],
        summary: 'Job counts by state and the most recent dead jobs',
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ counts: Counts, dead: Type.Array(DeadJob) }) },
      },
    },
    async (request) => ({
      counts: await queue.counts(TRANSCRIBE_QUEUE),
      dead: (await queue.dead(TRANSCRIBE_QUEUE, request.query.limit)).map((d) => ({
        id: d.id,
        clipId: String((d.payload as { clipId?: unknown }).clipId),
        attempts: d.attempts,
        lastError: d.lastError,
        updatedAt: d.updatedAt,
      })),
    }),
  );

  app.post(
    '/api/v1/transcription/jobs/:id/requeue',
    {
      config: { permission: 'jobs:manage' },
      schema: {
        tags: ['transcription'],
        summary: 'Give a dead job fresh attempts',
        params: Type.Object({
          id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: 'a job id of letters, digits and -' }),
        }),
        response: { 202: Type.Object({ requeued: Type.String() }), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      if (!(await queue.requeue(TRANSCRIBE_QUEUE, request.params.id))) {
        return reply.code(404).send({ error: `no dead job ${request.params.id}` });
      }
      onQueued();
      return reply.code(202).send({ requeued: request.params.id });
    },
  );

  app.post(
    '/api/v1/clips/:id/transcribe',
    {
      config: { permission: 'jobs:manage' },
      schema: {
        tags: ['transcription'],
        summary: 'Transcribe a clip again (e.g. after changing engines)',
        params: IdParams,
        response: { 202: Type.Object({ queued: Type.String() }), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const found = await db.transaction().execute(async (trx) => {
        const clip = await trx.selectFrom('clips').select('id').where('id', '=', id).executeTakeFirst();
        if (!clip) return false;
        await trx.updateTable('clips').set({ status: 'received' }).where('id', '=', id).execute();
        await queue.enqueue(trx, TRANSCRIBE_QUEUE, { clipId: id });
        return true;
      });
      if (!found) return reply.code(404).send({ error: `no clip ${id}` });
      onQueued();
      return reply.code(202).send({ queued: id });
    },
  );
};
