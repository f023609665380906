import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { storeScope } from '../../access/principal.js';
import { rereadAnswers } from '../../answers/reread-answers.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Database } from '../../db/database.js';
import { ErrorBody, Slug } from '../schemas.js';

const Counts = Type.Object({
  read: Type.Integer({ description: 'transcribed clips with a question looked at' }),
  changed: Type.Integer({ description: 'machine answers that changed and were written' }),
  unchanged: Type.Integer({ description: 'machine answers that came out the same' }),
  humanKept: Type.Integer({ description: 'of the changed, those where a person’s answer stays in force' }),
});

/** Re-reading stored transcripts after a reader or a question's settings changed. */
export const answersRereadRoutes: FastifyPluginAsyncTypebox<{ db: Database; audit: AuditLog }> = async (
  app,
  { db, audit },
) => {
  app.post(
    '/api/v1/answers/reread',
    {
      config: { permission: 'answers:reread' },
      schema: {
        tags: ['answers'],
        summary: 'Read the answers of stored transcripts again, without transcribing; a person’s answer stays',
        body: Type.Object(
          { questionId: Type.Optional(Slug), storeId: Type.Optional(Slug) },
          { additionalProperties: false },
        ),
        response: { 200: Counts, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { questionId, storeId } = request.body ?? {};
      const scope = request.principal ? storeScope(request.principal) : [];
      if (scope && storeId && !scope.includes(storeId)) return reply.code(404).send({ error: `no store ${storeId}` });
      const counts = await rereadAnswers(db, {
        ...(questionId ? { questionId } : {}),
        ...(storeId ? { storeId } : {}),
        ...(scope ? { storeIds: scope } : {}),
      });
      await audit.record(request, {
        action: 'answers.reread',
        subjectType: 'answers',
        storeId: storeId ?? null,
        details: { questionId: questionId ?? null, ...counts },
      });
      return counts;
    },
  );
};
