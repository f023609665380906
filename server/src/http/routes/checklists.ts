import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Database } from '../../db/database.js';
import { ErrorBody, Slug } from '../schemas.js';

export const Item = Type.Object(
  {
    id: Slug,
    text: Type.Object(
      {
        en: Type.String({ minLength: 1, maxLength: 200 }),
        ru: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type Item = Static<typeof Item>;

export const Checklist = Type.Object({
  id: Slug,
  questionId: Slug,
  name: Type.String(),
  items: Type.Array(Item),
  updatedAt: Type.String(),
  retiredAt: Type.Union([Type.String(), Type.Null()]),
});
export type Checklist = Static<typeof Checklist>;

const ChecklistInput = Type.Object(
  {
    questionId: Slug,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    items: Type.Array(Item, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

/**
 * Checklists per question ("greeted the customer", "asked the question as worded"): listed to
 * score clips against, written and retired by those who manage questions.
 */
export const checklistsRoutes: FastifyPluginAsyncTypebox<{ db: Database; audit: AuditLog }> = async (
  app,
  { db, audit },
) => {
  app.get(
    '/api/v1/checklists',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['scorecards'],
        querystring: Type.Object(
          {
            questionId: Type.Optional(Slug),
            includeRetired: Type.Optional(Type.Boolean({ description: 'list retired checklists too (default false)' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Checklist) },
      },
    },
    async (request) =>
      loadChecklists(db, {
        ...(request.query.questionId ? { questionId: request.query.questionId } : {}),
        includeRetired: request.query.includeRetired === true,
      }),
  );

  app.put(
    '/api/v1/checklists/:id',
    {
      config: { permission: 'questions:manage' },
      schema: {
        tags: ['scorecards'],
        summary:
          'Create or replace a checklist; keep item ids stable so that earlier scores keep their meaning. A retired checklist put again is offered again',
        params: Type.Object({ id: Slug }),
        body: ChecklistInput,
        response: { 200: Checklist, 201: Checklist, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { questionId, name, items } = request.body;
      const ids = new Set(items.map((i) => i.id));
      if (ids.size !== items.length) return reply.code(400).send({ error: 'body/items: item ids must be unique' });
      const question = await db.selectFrom('questions').select('id').where('id', '=', questionId).executeTakeFirst();
      if (!question) return reply.code(400).send({ error: `body/questionId: no question ${questionId}` });
      const existing = await db.selectFrom('checklists').select('id').where('id', '=', id).executeTakeFirst();
      const values = {
        question_id: questionId,
        name,
        items_json: JSON.stringify(items),
        updated_at: new Date().toISOString(),
        retired_at: null,
      };
      await db
        .insertInto('checklists')
        .values({ id, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
      return reply
        .code(existing ? 200 : 201)
        .send({ id, questionId, name, items, updatedAt: values.updated_at, retiredAt: null });
    },
  );

  app.delete(
    '/api/v1/checklists/:id',
    {
      config: { permission: 'questions:manage' },
      schema: {
        tags: ['scorecards'],
        summary: 'Retire a checklist: no longer offered for scoring; its scorecards and summaries stay',
        params: Type.Object({ id: Slug }),
        response: { 204: Type.Null(), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const retired = await db
        .updateTable('checklists')
        .set({ retired_at: new Date().toISOString() })
        .where('id', '=', id)
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      if (Number(retired.numUpdatedRows) === 0) {
        return reply.code(404).send({ error: `no checklist ${id} in use` });
      }
      await audit.record(request, { action: 'checklist.retire', subjectType: 'checklist', subjectId: id });
      return reply.code(204).send(null);
    },
  );
};

/** Checklists by question or id, retired ones only when asked for. */
export async function loadChecklists(
  db: Database,
  where: { questionId?: string; id?: string; includeRetired?: boolean } = {},
): Promise<Checklist[]> {
  let query = db.selectFrom('checklists').selectAll().orderBy('id');
  if (where.questionId) query = query.where('question_id', '=', where.questionId);
  if (where.id) query = query.where('id', '=', where.id);
  if (!where.includeRetired) query = query.where('retired_at', 'is', null);
  return (await query.execute()).map((r) => ({
    id: r.id,
    questionId: r.question_id,
    name: r.name,
    items: JSON.parse(r.items_json) as Item[],
    updatedAt: r.updated_at,
    retiredAt: r.retired_at,
  }));
}
