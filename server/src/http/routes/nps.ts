import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { storeScope } from '../../access/principal.js';
import { rangeProblem } from '../../clips/pressed-range.js';
import { isLocalTime } from '../../clips/zoned-time.js';
import type { Database } from '../../db/database.js';
import { npsReport, npsReportsByStore } from '../../nps/nps-report.js';
import { npsSeries } from '../../nps/nps-series.js';
import { defaultFrom } from '../../nps/report-period.js';
import { ErrorBody, NoStoreZone, Slug, TimeBound, validTimeZone } from '../schemas.js';

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

const Counts = Type.Object({
  nps: Type.Union([Type.Number(), Type.Null()], { description: '%promoters − %detractors; null without answers' }),
  answers: Type.Integer({ description: 'answers with a score in force' }),
  promoters: Type.Integer(),
  passives: Type.Integer(),
  detractors: Type.Integer(),
});

const Rate = (description: string) =>
  Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description });

const SeriesGroup = Type.Composite([
  Counts,
  Type.Object({
    storeId: Type.Union([Type.String(), Type.Null()], {
      description: 'null: clips of no store, or all stores (total)',
    }),
    read: Type.Integer({ description: 'NPS clips whose answer was read, with or without a score' }),
    questionHeardRate: Rate('of the clips read, the share where the question was heard asked'),
    answeredRate: Rate('of the clips read, the share with a score in force'),
    previous: Type.Union([Counts, Type.Null()], { description: 'the same over the period just before' }),
    points: Type.Optional(
      Type.Array(Counts, {
        description: "one per entry of `periods`; left out of stores' groups with storePoints=false",
      }),
    ),
  }),
]);

const Series = Type.Object({
  interval: Type.Union([Type.Literal('week'), Type.Literal('month')]),
  periods: Type.Array(Type.String(), { description: 'first local day of each week (Monday) or month' }),
  previous: Type.Union([Type.Object({ from: Type.String(), to: Type.String(), days: Type.Number() }), Type.Null()]),
  total: SeriesGroup,
  stores: Type.Array(SeriesGroup),
});

const Filter = {
  storeId: Type.Optional(Slug),
  questionId: Type.Optional(Slug),
  timeZone: Type.Optional(NoStoreZone),
};

/** NPS = %promoters (9–10) − %detractors (0–6) over the scored answers of a store, question and period. */
export const npsRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  /** The caller's stores, or a refusal when the asked-for store is not among them. */
  const scopeOf = (principal: Parameters<typeof storeScope>[0] | null, storeId: string | undefined) => {
    const scope = principal ? storeScope(principal) : [];
    if (scope && storeId && !scope.includes(storeId)) return `no store ${storeId}`;
    return scope ? { storeIds: scope } : {};
  };
  const zoneProblem = (zone: string | undefined) =>
    zone !== undefined && !validTimeZone(zone)
      ? `querystring/timeZone: ${zone} is not a time zone this server knows`
      : undefined;

  app.get(
    '/api/v1/nps',
    {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['nps'],
        summary: 'Net Promoter Score with its counts',
        querystring: Type.Object(
          {
            ...Filter,
            from: Type.Optional(TimeBound('pressed at or after')),
            to: Type.Optional(TimeBound('pressed before; a plain date includes that whole day')),
          },
          { additionalProperties: false },
        ),
        response: { 200: Report, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { from, to, timeZone, ...filter } = request.query;
      const problem = rangeProblem({ from, to }) ?? zoneProblem(timeZone);
      if (problem) return reply.code(400).send({ error: problem });
      const scope = scopeOf(request.principal, filter.storeId);
      if (typeof scope === 'string') return reply.code(404).send({ error: scope });
      return npsReport(db, { ...filter, from, to, noStoreZone: timeZone, ...scope });
    },
  );

  app.get(
    '/api/v1/nps/stores',
    {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['nps'],
        summary:
          "Each store's NPS with its counts, in one answer (the stores in the caller's scope that have NPS clips)",
        querystring: Type.Object(
          {
            questionId: Filter.questionId,
            timeZone: Filter.timeZone,
            from: Type.Optional(TimeBound('pressed at or after; default: 30 days before `to`')),
            to: Type.Optional(
              TimeBound('pressed before; a plain date includes that whole day; default: now (an instant)'),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            stores: Type.Array(
              Type.Composite([
                Type.Object({
                  storeId: Type.Union([Type.String(), Type.Null()], { description: 'null: clips of no store' }),
                }),
                Report,
              ]),
            ),
          }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      // Always a period: every store's answers of all time would be read with their clips.
      const { from: asked, to = new Date().toISOString(), timeZone, ...filter } = request.query;
      const from = asked ?? defaultFrom(to);
      const problem = rangeProblem({ from, to }) ?? zoneProblem(timeZone);
      if (problem) return reply.code(400).send({ error: problem });
      const scope = scopeOf(request.principal, undefined);
      if (typeof scope === 'string') return reply.code(404).send({ error: scope });
      const reports = await npsReportsByStore(db, { ...filter, from, to, noStoreZone: timeZone, ...scope });
      return {
        stores: [...reports]
          .map(([storeId, report]) => ({ storeId, ...report }))
          .sort((a, b) => String(a.storeId).localeCompare(String(b.storeId))),
      };
    },
  );

  app.get(
    '/api/v1/nps/series',
    {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['nps'],
        summary:
          'NPS per week or month, per store, with answer counts, question heard and answered rates, and the period before',
        querystring: Type.Object(
          {
            ...Filter,
            interval: Type.Union([Type.Literal('week'), Type.Literal('month')], { default: 'week' }),
            storePoints: Type.Boolean({
              default: true,
              description:
                "false: each store's figures and previous period without its points per period (a chain's chart draws the total only)",
            }),
            from: Type.Optional(TimeBound('pressed at or after; default: 30 days before `to`')),
            to: Type.Optional(
              TimeBound('pressed before; a plain date includes that whole day; default: now (an instant)'),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Series, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { from: asked, to = new Date().toISOString(), timeZone, interval, storePoints, ...filter } = request.query;
      const from = asked ?? defaultFrom(to);
      if (isLocalTime(from) !== isLocalTime(to)) {
        return reply
          .code(400)
          .send({ error: 'querystring/from and querystring/to must both be dates (local) or both instants' });
      }
      const problem = rangeProblem({ from, to }) ?? zoneProblem(timeZone);
      if (problem) return reply.code(400).send({ error: problem });
      const scope = scopeOf(request.principal, filter.storeId);
      if (typeof scope === 'string') return reply.code(404).send({ error: scope });
      const series = await npsSeries(db, {
        ...filter,
        ...scope,
        from,
        to,
        interval,
        storePoints,
        noStoreZone: timeZone,
      });
      return series;
    },
  );
};
