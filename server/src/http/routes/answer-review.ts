import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MACHINE_OUTCOMES, machineOutcome } from '../../answers/machine-outcome.js';
import { Type } from '@sinclair/typebox';
import { inStoreScope } from '../../access/store-scope-sql.js';
import type { MachineAnswer } from '../../answers/answer.js';
import type { Database } from '../../db/database.js';
import { ErrorBody, Slug } from '../schemas.js';

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
    /** The server's English detail; `outcome` is what it came to, for the console to say. */
    reason: Type.String(),
    outcome: Type.Union(MACHINE_OUTCOMES.map((o) => Type.Literal(o))),
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
 * What managers work through: the clips whose machine answer is missing, unsure or contradictory
 * and that no person has answered yet, with what the player needs to mark the press and the
 * answer window; and how many answers came from the machine, a person, or still wait.
 */
export const answerReviewRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
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
            outcome: machineOutcome({ form: r.form, value: machine.value ?? null, readings: machine.readings ?? [] }),
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
