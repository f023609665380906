import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../access/principal.js';
import { inStoreScope } from '../../access/store-scope-sql.js';
import type { MachineAnswer } from '../../answers/answer.js';
import { answerInForce } from '../../answers/answer-in-force.js';
import { humanAnswerProblem } from '../../answers/human-answer.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Database } from '../../db/database.js';
import { ErrorBody, IdParams } from '../schemas.js';

const HumanAnswerBody = Type.Object(
  {
    value: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 10,
        description: 'nps 0–10, csat 1–5, yes_no 1 (yes) / 0 (no); left out for an open question or with declined',
      }),
    ),
    declined: Type.Optional(Type.Boolean({ description: 'true: the customer gave no answer' })),
  },
  { additionalProperties: false },
);

/**
 * The validator coerces types (null, false and "" would all pass as the score 0), so a value that
 * is not a JSON number is refused before validation: a wrong score must never be recorded.
 */
async function refuseNonNumericValue(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const body = request.body as { value?: unknown } | null;
  if (body && typeof body === 'object' && 'value' in body && typeof body.value !== 'number') {
    await reply
      .code(400)
      .send({ error: 'body/value: expected a number; leave it out with declined: true for no answer given' });
  }
}

const AnswerState = Type.Object({
  clipId: Type.String(),
  form: Type.String(),
  value: Type.Union([Type.Integer(), Type.Null()]),
  source: Type.Union([Type.Literal('human'), Type.Literal('machine'), Type.Null()]),
  needsReview: Type.Boolean(),
  machineValue: Type.Union([Type.Integer(), Type.Null()]),
  human: Type.Union([
    Type.Object({ value: Type.Union([Type.Integer(), Type.Null()]), declined: Type.Boolean(), at: Type.String() }),
    Type.Null(),
  ]),
});

/**
 * A person's answers beside the machine's: set or correct a clip's answer, take it back, and the
 * queue of clips whose machine reading was unsure. Every change is audited with the old and the
 * new answer; the machine's reading is never deleted.
 */
export const answersRoutes: FastifyPluginAsyncTypebox<{ db: Database; audit: AuditLog }> = async (
  app,
  { db, audit },
) => {
  const visibleAnswer = (principal: Principal | null, clipId: string) =>
    inStoreScope(
      db
        .selectFrom('clips')
        .leftJoin('answers', 'answers.clip_id', 'clips.id')
        .select([
          'clips.id',
          'clips.store_id',
          'clips.status',
          'answers.form',
          'answers.machine_value',
          'answers.machine_json',
          'answers.human_value',
          'answers.human_declined',
          'answers.human_at',
          'answers.value',
          'answers.source',
        ])
        .where('clips.id', '=', clipId),
      principal,
      'clips.store_id',
    ).executeTakeFirst();

  type Row = NonNullable<Awaited<ReturnType<typeof visibleAnswer>>>;
  const machineOf = (row: Row) => JSON.parse(row.machine_json ?? '{}') as Partial<MachineAnswer>;
  const stateOf = (
    row: Row,
    values: { value: number | null; source: 'human' | 'machine' | null; needs_review: number },
  ) => ({
    clipId: row.id,
    form: row.form ?? 'text',
    value: values.value,
    source: values.source,
    needsReview: values.needs_review === 1,
    machineValue: row.machine_value ?? null,
    human: null as null | { value: number | null; declined: boolean; at: string },
  });
  const before = (row: Row) =>
    row.source === 'human'
      ? { source: 'human', value: row.human_value ?? null, declined: row.human_declined === 1 }
      : { source: row.source ?? null, value: row.value ?? null };

  app.put(
    '/api/v1/clips/:id/answer',
    {
      config: { permission: 'clips:score' },
      preValidation: refuseNonNumericValue,
      schema: {
        tags: ['answers'],
        summary: "Set or correct a clip's answer: a person's answer wins over the machine's in NPS and statistics",
        params: IdParams,
        body: HumanAnswerBody,
        response: { 200: AnswerState, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const row = await visibleAnswer(request.principal, request.params.id);
      if (!row) return reply.code(404).send({ error: `no clip ${request.params.id}` });
      if (!row.form) {
        return reply.code(409).send({
          error: `clip ${row.id} has no answer read yet (status ${row.status}): try again once it is transcribed`,
        });
      }
      const human = { value: request.body.value ?? null, declined: request.body.declined ?? false };
      const problem = humanAnswerProblem(row.form, human);
      if (problem) return reply.code(400).send({ error: problem });
      const at = new Date().toISOString();
      const machine = machineOf(row);
      const inForce = answerInForce(
        { human_value: human.value, human_declined: human.declined ? 1 : 0, human_at: at },
        { value: row.machine_value ?? null, needsReview: machine.needsReview ?? true },
      );
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('answers')
          .set({
            human_value: human.declined ? null : human.value,
            human_declined: human.declined ? 1 : 0,
            human_by: request.principal?.userId ?? null,
            human_at: at,
            ...inForce,
          })
          .where('clip_id', '=', row.id)
          .execute();
      });
      await audit.record(request, {
        action: 'clip.answer',
        subjectType: 'clip',
        subjectId: row.id,
        storeId: row.store_id,
        details: { form: row.form, before: before(row), after: human, machineValue: row.machine_value ?? null },
      });
      return {
        ...stateOf(row, inForce),
        human: { value: human.declined ? null : human.value, declined: human.declined, at },
      };
    },
  );

  app.delete(
    '/api/v1/clips/:id/answer',
    {
      config: { permission: 'clips:score' },
      schema: {
        tags: ['answers'],
        summary: "Take back a person's answer: the machine's reading is in force again",
        params: IdParams,
        response: { 200: AnswerState, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const row = await visibleAnswer(request.principal, request.params.id);
      if (!row?.form || row.human_at === null) {
        return reply.code(404).send({ error: `no answer given by a person for clip ${request.params.id}` });
      }
      const machine = machineOf(row);
      const inForce = answerInForce(undefined, {
        value: row.machine_value ?? null,
        needsReview: machine.needsReview ?? true,
      });
      await db
        .updateTable('answers')
        .set({ human_value: null, human_declined: 0, human_by: null, human_at: null, ...inForce })
        .where('clip_id', '=', row.id)
        .execute();
      await audit.record(request, {
        action: 'clip.answer.revert',
        subjectType: 'clip',
        subjectId: row.id,
        storeId: row.store_id,
        details: { form: row.form, before: before(row), after: { source: inForce.source, value: inForce.value } },
      });
      return stateOf(row, inForce);
    },
  );
};
