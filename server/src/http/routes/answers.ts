import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../access/principal.js';
import { inStoreScope } from '../../access/store-scope-sql.js';
import type { MachineAnswer } from '../../answers/answer.js';
import { answerInForce, humanAnswerProblem } from '../../answers/human-answer.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Database } from '../../db/database.js';
import { ErrorBody, Slug } from '../schemas.js';

const ClipParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' }) });

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

const TimeSpanSchema = Type.Object({ startMs: Type.Number(), endMs: Type.Number() });

const ReviewItem = Type.Object({
  clipId: Type.String(),
  pressedAt: Type.String(),
  storeId: Type.Union([Type.String(), Type.Null()]),
  deviceId: Type.String(),
  durationMs: Type.Integer(),
  question: Type.Object({
    id: Type.Union([Type.String(), Type.Null()]),
    text: Type.Object({ en: Type.Union([Type.String(), Type.Null()]), ru: Type.Union([Type.String(), Type.Null()]) }),
  }),
  form: Type.String(),
  pressMs: Type.Number(),
  window: TimeSpanSchema,
  questionHeard: Type.Boolean(),
  machine: Type.Object({
    value: Type.Union([Type.Integer(), Type.Null()]),
    confidence: Type.Number(),
    reason: Type.String(),
    text: Type.String(),
  }),
  transcript: Type.Union([Type.String(), Type.Null()]),
});

/** A page position in the review queue: the last item's press time and clip id. */
function encodeCursor(pressedAt: string, clipId: string): string {
  return Buffer.from(`${pressedAt}|${clipId}`).toString('base64url');
}
function decodeCursor(cursor: string): [string, string] | undefined {
  const [pressedAt, clipId, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  return pressedAt && clipId && rest.length === 0 ? [pressedAt, clipId] : undefined;
}

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
        params: ClipParams,
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
        { value: row.machine_value ?? null, needsReview: machine.needsReview ?? true },
        { ...human, at },
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
        params: ClipParams,
        response: { 200: AnswerState, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const row = await visibleAnswer(request.principal, request.params.id);
      if (!row?.form || row.human_at === null) {
        return reply.code(404).send({ error: `no answer given by a person for clip ${request.params.id}` });
      }
      const machine = machineOf(row);
      const inForce = answerInForce(
        { value: row.machine_value ?? null, needsReview: machine.needsReview ?? true },
        null,
      );
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

  app.get(
    '/api/v1/answers/review',
    {
      config: { permission: 'clips:read' },
      schema: {
        tags: ['answers'],
        summary:
          'Clips whose machine answer is missing, unsure or contradictory and no person has answered yet; oldest first',
        querystring: Type.Object(
          {
            storeId: Type.Optional(Slug),
            questionId: Type.Optional(Slug),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            items: Type.Array(ReviewItem),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { storeId, questionId, limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      if (cursor !== undefined && !after)
        return reply.code(400).send({ error: 'querystring/cursor: not a cursor this API gave' });
      let base = inStoreScope(
        db
          .selectFrom('answers')
          .innerJoin('clips', 'clips.id', 'answers.clip_id')
          .where('answers.needs_review', '=', 1)
          .where('answers.human_at', 'is', null),
        request.principal,
        'clips.store_id',
      );
      if (storeId) base = base.where('clips.store_id', '=', storeId);
      if (questionId) base = base.where('clips.question_id', '=', questionId);
      const total = await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      let page = base
        .leftJoin('questions', 'questions.id', 'clips.question_id')
        .leftJoin('transcripts', 'transcripts.clip_id', 'clips.id')
        .select([
          'clips.id',
          'clips.pressed_at',
          'clips.store_id',
          'clips.device_id',
          'clips.duration_ms',
          'clips.question_id',
          'questions.text_en',
          'questions.text_ru',
          'answers.form',
          'answers.machine_value',
          'answers.machine_json',
          'transcripts.text as transcript',
        ])
        .orderBy('clips.pressed_at')
        .orderBy('clips.id')
        .limit(limit + 1);
      if (after) {
        const [pressedAt, clipId] = after;
        page = page.where((eb) =>
          eb.or([
            eb('clips.pressed_at', '>', pressedAt),
            eb.and([eb('clips.pressed_at', '=', pressedAt), eb('clips.id', '>', clipId)]),
          ]),
        );
      }
      const rows = await page.execute();
      const items = rows.slice(0, limit).map((r) => {
        const machine = JSON.parse(r.machine_json) as Partial<MachineAnswer>;
        return {
          clipId: r.id,
          pressedAt: r.pressed_at,
          storeId: r.store_id,
          deviceId: r.device_id,
          durationMs: r.duration_ms,
          question: { id: r.question_id, text: { en: r.text_en, ru: r.text_ru } },
          form: r.form,
          pressMs: machine.pressMs ?? 0,
          window: machine.window ?? { startMs: 0, endMs: r.duration_ms },
          questionHeard: machine.question?.heard ?? false,
          machine: {
            value: r.machine_value,
            confidence: machine.confidence ?? 0,
            reason: machine.reason ?? '',
            text: machine.text ?? '',
          },
          transcript: r.transcript,
        };
      });
      const last = items.at(-1);
      return {
        total: Number(total.n),
        items,
        nextCursor: rows.length > limit && last ? encodeCursor(last.pressedAt, last.clipId) : null,
      };
    },
  );

  app.get(
    '/api/v1/answers/summary',
    {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['answers'],
        summary: 'How many answers the machine gave, how many a person confirmed or set, and how many await review',
        querystring: Type.Object({ storeId: Type.Optional(Slug) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            machine: Type.Integer(),
            confirmed: Type.Integer(),
            declined: Type.Integer(),
            awaitingReview: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      let query = inStoreScope(
        db.selectFrom('answers').innerJoin('clips', 'clips.id', 'answers.clip_id'),
        request.principal,
        'clips.store_id',
      );
      if (request.query.storeId) query = query.where('clips.store_id', '=', request.query.storeId);
      const rows = await query
        .select(['answers.source', 'answers.human_declined', 'answers.needs_review'])
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .groupBy(['answers.source', 'answers.human_declined', 'answers.needs_review'])
        .execute();
      const counts = { machine: 0, confirmed: 0, declined: 0, awaitingReview: 0 };
      for (const r of rows) {
        const n = Number(r.n);
        if (r.source === 'machine') counts.machine += n;
        else if (r.source === 'human' && r.human_declined === 1) counts.declined += n;
        else if (r.source === 'human') counts.confirmed += n;
        if (r.needs_review === 1) counts.awaitingReview += n;
      }
      return counts;
    },
  );
};
