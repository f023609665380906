import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { storeScope } from '../../access/principal.js';
import type { Database } from '../../db/database.js';
import { npsReport } from '../../nps/nps-report.js';
import { DateTime, ErrorBody, Slug } from '../schemas.js';

const Report = Type.Object({
  nps: Type.Union([Type.Number(), Type.Null()]),
  answers: Type.Integer(),
  promoters: Type.Integer(),
  passives: Type.Integer(),
  detractors: Type.Integer(),
  unscored: Type.Integer(),
  /** Of `answers`, those a person gave; the rest are the machine's. */
  confirmed: Type.Integer(),
  /** Clips waiting for a person's answer. */
  toReview: Type.Integer(),
});

/** NPS = %promoters (9–10) − %detractors (0–6) over the scored answers of a store, question and period. */
export const npsRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/api/v1/nps',
    {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['nps'],
        summary: 'Net Promoter Score with its counts',
        querystring: Type.Object(
          {
            storeId: Type.Optional(Slug),
            questionId: Type.Optional(Slug),
            from: Type.Optional(DateTime),
            to: Type.Optional(DateTime),
          },
          { additionalProperties: false },
        ),
        response: { 200: Report, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { from, to } = request.query;
      if (from && to && Date.parse(from) >= Date.parse(to)) {
        return reply.code(400).send({ error: 'querystring/from must be before querystring/to' });
      }
      const scope = request.principal ? storeScope(request.principal) : [];
      if (scope && request.query.storeId && !scope.includes(request.query.storeId)) {
        return reply.code(404).send({ error: `no store ${request.query.storeId}` });
      }
      return npsReport(db, { ...request.query, ...(scope ? { storeIds: scope } : {}) });
    },
  );
};
