import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { Id } from '@earshot/shared/protocol';
import { storeScope } from '../../access/principal.js';
import { inStoreScope } from '../../access/store-scope-sql.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Database } from '../../db/database.js';
import { NO_STORE_ZONE, pressedRange, rangeProblem } from '../../clips/pressed-range.js';
import { localDayAndHour } from '../../clips/zoned-time.js';
import { ErrorBody, IdParams, NoStoreZone, Slug, TimeBound, validTimeZone } from '../schemas.js';
import { loadChecklists } from './checklists.js';

/**
 * Per item: done, not done, or could not tell from the recording. Words, not true/false/null:
 * the validator coerces types and would read false and null as each other.
 */
const Answer = Type.Union([Type.Literal('yes'), Type.Literal('no'), Type.Literal('unsure')]);
type Answer = Static<typeof Answer>;
const Answers = Type.Record(Slug, Answer, { additionalProperties: false });

const Scorecard = Type.Object({
  checklistId: Type.String(),
  username: Type.String(),
  answers: Answers,
  comment: Type.Union([Type.String(), Type.Null()]),
  scoredAt: Type.String(),
});

const Group = Type.Object({
  key: Type.String(),
  scorecards: Type.Integer(),
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      yes: Type.Integer(),
      no: Type.Integer(),
      unsure: Type.Integer(),
      yesShare: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});

/**
 * Scorecards: managers' answers for a clip against its question's checklists, and the share of
 * "yes" per item over stores, devices, questions or days (each store's local days; those of clips
 * of no store in `timeZone`, default UTC, as the range is).
 */
export const scorecardsRoutes: FastifyPluginAsyncTypebox<{ db: Database; audit: AuditLog }> = async (
  app,
  { db, audit },
) => {
  /** The clip if the caller may see it. */
  const visibleClip = (request: { principal: Parameters<typeof inStoreScope>[1] }, id: string) =>
    inStoreScope(db.selectFrom('clips').select(['id', 'store_id', 'question_id']), request.principal, 'clips.store_id')
      .where('id', '=', id)
      .executeTakeFirst();

  app.get(
    '/api/v1/clips/:id/scorecards',
    {
      config: { permission: 'clips:read' },
      schema: { tags: ['scorecards'], params: IdParams, response: { 200: Type.Array(Scorecard), 404: ErrorBody } },
    },
    async (request, reply) => {
      const clip = await visibleClip(request, request.params.id);
      if (!clip) return reply.code(404).send({ error: `no clip ${request.params.id}` });
      const rows = await db
        .selectFrom('clip_scorecards')
        .innerJoin('users', 'users.id', 'clip_scorecards.user_id')
        .select(['checklist_id', 'users.username', 'answers_json', 'comment', 'scored_at'])
        .where('clip_id', '=', clip.id)
        .orderBy('scored_at')
        .execute();
      return rows.map((r) => ({
        checklistId: r.checklist_id,
        username: r.username,
        answers: JSON.parse(r.answers_json) as Record<string, Answer>,
        comment: r.comment,
        scoredAt: r.scored_at,
      }));
    },
  );

  app.put(
    '/api/v1/clips/:id/scorecards/:checklistId',
    {
      config: { permission: 'clips:score' },
      schema: {
        tags: ['scorecards'],
        summary: "Score a clip against a checklist (the caller's own scorecard; again replaces it)",
        params: Type.Object({ id: Id, checklistId: Slug }),
        body: Type.Object(
          { answers: Answers, comment: Type.Optional(Type.String({ maxLength: 2000 })) },
          { additionalProperties: false },
        ),
        response: { 200: Scorecard, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (!principal) throw new Error('authenticated request without a principal');
      const clip = await visibleClip(request, request.params.id);
      if (!clip) return reply.code(404).send({ error: `no clip ${request.params.id}` });
      const [list] = await loadChecklists(db, { id: request.params.checklistId, includeRetired: true });
      if (!list) return reply.code(404).send({ error: `no checklist ${request.params.checklistId}` });
      if (list.retiredAt !== null) {
        return reply.code(409).send({ error: `checklist ${list.id} was retired at ${list.retiredAt}` });
      }
      if (list.questionId !== clip.question_id) {
        return reply
          .code(400)
          .send({ error: `checklist ${list.id} is for question ${list.questionId}, not this clip's` });
      }
      const known = new Set(list.items.map((i) => i.id));
      const unknown = Object.keys(request.body.answers).filter((k) => !known.has(k));
      if (unknown.length > 0)
        return reply.code(400).send({ error: `body/answers: no item ${unknown.join(', ')} in ${list.id}` });
      const scoredAt = new Date().toISOString();
      const values = {
        answers_json: JSON.stringify(request.body.answers),
        comment: request.body.comment ?? null,
        scored_at: scoredAt,
      };
      await db
        .insertInto('clip_scorecards')
        .values({ clip_id: clip.id, checklist_id: list.id, user_id: principal.userId, ...values })
        .onConflict((oc) => oc.columns(['clip_id', 'checklist_id', 'user_id']).doUpdateSet(values))
        .execute();
      await audit.record(request, {
        action: 'clip.score',
        subjectType: 'clip',
        subjectId: clip.id,
        storeId: clip.store_id,
        details: { checklist: list.id },
      });
      return {
        checklistId: list.id,
        username: principal.username,
        answers: request.body.answers,
        comment: values.comment,
        scoredAt,
      };
    },
  );

  app.get(
    '/api/v1/scorecards/summary',
    {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['scorecards'],
        summary: 'Share of "yes" per checklist item, grouped by store, device, question or local day',
        querystring: Type.Object(
          {
            checklistId: Slug,
            groupBy: Type.Union(
              [Type.Literal('store'), Type.Literal('device'), Type.Literal('question'), Type.Literal('day')],
              {
                default: 'store',
              },
            ),
            storeId: Type.Optional(Slug),
            from: Type.Optional(TimeBound('pressed at or after')),
            to: Type.Optional(TimeBound('pressed before; a plain date includes that whole day')),
            timeZone: Type.Optional(NoStoreZone),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ groups: Type.Array(Group) }), 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { checklistId, groupBy, storeId, from, to, timeZone } = request.query;
      const problem =
        rangeProblem({ from, to }) ??
        (timeZone !== undefined && !validTimeZone(timeZone)
          ? `querystring/timeZone: ${timeZone} is not a time zone this server knows`
          : undefined);
      if (problem) return reply.code(400).send({ error: problem });
      // A retired checklist's results stay readable: what was scored keeps its meaning.
      const [list] = await loadChecklists(db, { id: checklistId, includeRetired: true });
      if (!list) return reply.code(404).send({ error: `no checklist ${checklistId}` });
      const scope = request.principal ? storeScope(request.principal) : [];
      if (scope && storeId && !scope.includes(storeId)) return reply.code(404).send({ error: `no store ${storeId}` });
      let query = inStoreScope(
        db
          .selectFrom('clip_scorecards')
          .innerJoin('clips', 'clips.id', 'clip_scorecards.clip_id')
          .leftJoin('stores', 'stores.id', 'clips.store_id')
          .select([
            'stores.time_zone',
            'clips.store_id',
            'clips.device_id',
            'clips.question_id',
            'clips.pressed_at',
            'clip_scorecards.answers_json',
          ])
          .where('clip_scorecards.checklist_id', '=', checklistId),
        request.principal,
        'clips.store_id',
      );
      if (storeId) query = query.where('clips.store_id', '=', storeId);
      if (from !== undefined || to !== undefined) {
        query = query.where(await pressedRange(db, { from, to }, { noStoreZone: timeZone }));
      }
      const groups = new Map<
        string,
        { scorecards: number; counts: Map<string, { yes: number; no: number; unsure: number }> }
      >();
      for (const row of await query.execute()) {
        const key =
          groupBy === 'store'
            ? (row.store_id ?? '(none)')
            : groupBy === 'device'
              ? row.device_id
              : groupBy === 'question'
                ? (row.question_id ?? '(none)')
                : localDayAndHour(row.pressed_at, row.time_zone ?? timeZone ?? NO_STORE_ZONE).day;
        const group = groups.get(key) ?? { scorecards: 0, counts: new Map<string, Record<Answer, number>>() };
        groups.set(key, group);
        group.scorecards++;
        const answers = JSON.parse(row.answers_json) as Record<string, Answer>;
        for (const item of list.items) {
          const count = group.counts.get(item.id) ?? { yes: 0, no: 0, unsure: 0 };
          group.counts.set(item.id, count);
          count[answers[item.id] ?? 'unsure']++;
        }
      }
      return {
        groups: [...groups.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, group]) => ({
            key,
            scorecards: group.scorecards,
            items: list.items.map((item) => {
              const c = group.counts.get(item.id) ?? { yes: 0, no: 0, unsure: 0 };
              return {
                id: item.id,
                ...c,
                yesShare: c.yes + c.no === 0 ? null : Math.round((c.yes / (c.yes + c.no)) * 1000) / 1000,
              };
            }),
          })),
      };
    },
  );
};
