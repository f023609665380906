import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { AnswerSettingsInput, answerSettings, parseAnswerSettings } from '../../answers/answer-settings.js';
import type { Database } from '../../db/database.js';
import type { LabelSync } from '../../fleet/label-sync.js';
import { ErrorBody, Slug } from '../schemas.js';

const Kind = Type.Union([
  Type.Literal('nps'),
  Type.Literal('csat'),
  Type.Literal('yes_no'),
  Type.Literal('open'),
  Type.Literal('complaint'),
  Type.Literal('praise'),
  Type.Literal('custom'),
]);
const Question = Type.Object({
  id: Slug,
  kind: Kind,
  text: Type.Object({
    en: Type.String({ minLength: 1 }),
    ru: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  }),
  /** Days its clips are kept; null: the server's `retention.defaultDays`. */
  retentionDays: Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.Null()]),
  /** How its answers are read: the settings in force (the defaults where none were given). */
  answerSettings: Type.Object({
    graceMs: Type.Integer(),
    cues: Type.Record(Type.String(), Type.Array(Type.String())),
    reviewBelow: Type.Number(),
  }),
});
type Question = Static<typeof Question>;
const QuestionInput = Type.Object(
  {
    kind: Kind,
    text: Type.Object(
      {
        en: Type.String({ minLength: 1 }),
        ru: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
      },
      { additionalProperties: false },
    ),
    retentionDays: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.Null()])),
    /** Omitted or null: the defaults. Changing them affects new clips; `POST /api/v1/answers/reread` applies them to stored ones. */
    answerSettings: Type.Optional(Type.Union([AnswerSettingsInput, Type.Null()])),
  },
  { additionalProperties: false },
);

/**
 * The question catalogue. Questions are never deleted: clips keep pointing at theirs. Changing
 * the kind of a question that has clips is refused, since it would change what their scores mean.
 */
export const questionsRoutes: FastifyPluginAsyncTypebox<{ db: Database; labels?: LabelSync | undefined }> = async (
  app,
  { db, labels },
) => {
  app.get(
    '/api/v1/questions',
    { config: { permission: 'self' }, schema: { tags: ['questions'], response: { 200: Type.Array(Question) } } },
    async () =>
      (await db.selectFrom('questions').selectAll().orderBy('id').execute()).map((q): Question => ({
        id: q.id,
        kind: q.kind as Question['kind'],
        text: { en: q.text_en, ru: q.text_ru },
        retentionDays: q.retention_days,
        answerSettings: parseAnswerSettings(q.answer_settings_json),
      })),
  );

  app.put(
    '/api/v1/questions/:id',
    {
      config: { permission: 'questions:manage' },
      schema: {
        tags: ['questions'],
        summary: 'Create or update a question',
        params: Type.Object({ id: Slug }),
        body: QuestionInput,
        response: { 200: Question, 201: Question, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { kind, text, retentionDays = null, answerSettings: settings = null } = request.body;
      const existing = await db.selectFrom('questions').select('kind').where('id', '=', id).executeTakeFirst();
      if (existing && existing.kind !== kind) {
        const used = await db
          .selectFrom('clips')
          .select('id')
          .where('question_id', '=', id)
          .limit(1)
          .executeTakeFirst();
        if (used) {
          return reply
            .code(409)
            .send({ error: `question ${id} has clips: its kind stays ${existing.kind}; create a new question` });
        }
      }
      const values = {
        kind,
        text_en: text.en,
        text_ru: text.ru ?? null,
        retention_days: retentionDays,
        answer_settings_json: settings ? JSON.stringify(settings) : null,
      };
      await db
        .insertInto('questions')
        .values({ id, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
      // The question's text is the label of the buttons that ask it.
      if (existing) await labels?.sync({ all: true }, request.principal?.username ?? null);
      return reply.code(existing ? 200 : 201).send({
        id,
        kind,
        text: { en: text.en, ru: text.ru ?? null },
        retentionDays,
        answerSettings: answerSettings(settings),
      });
    },
  );
};
