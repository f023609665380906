import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../access/principal.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { inClipScope } from '../../clips/clip-view.js';
import type { Database } from '../../db/database.js';
import { ErrorBody, IdParams } from '../schemas.js';

const Note = Type.Object({
  id: Type.Integer(),
  clipId: Type.String(),
  author: Type.String({ description: 'username of who wrote it' }),
  body: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

const NoteBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 4000, description: 'the note, 1–4000 characters' }) },
  { additionalProperties: false },
);

const FollowUp = Type.Object({
  clipId: Type.String(),
  followUp: Type.Union([Type.Object({ by: Type.String(), at: Type.String({ format: 'date-time' }) }), Type.Null()]),
});

/**
 * Managers' work on a clip beside its answer: notes (who wrote what, when; never edited, so the
 * record stays honest) and the "follow up" flag the clip list filters by. Writes need the same
 * permission as answering a clip, reads the clip's own; a clip outside the caller's stores is 404.
 * Every write is audited.
 */
export const clipNotesRoutes: FastifyPluginAsyncTypebox<{ db: Database; audit: AuditLog }> = async (
  app,
  { db, audit },
) => {
  const visibleClip = (principal: Principal | null, id: string) =>
    inClipScope(
      db.selectFrom('clips').select(['clips.id', 'clips.store_id']).where('clips.id', '=', id),
      principal,
    ).executeTakeFirst();
  const notFound = (id: string) => ({ error: `no clip ${id}` });

  app.get(
    '/api/v1/clips/:id/notes',
    {
      config: { permission: 'clips:read' },
      schema: {
        tags: ['clips'],
        summary: "A clip's notes, oldest first",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Note) }), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      if (!(await visibleClip(request.principal, request.params.id))) {
        return reply.code(404).send(notFound(request.params.id));
      }
      const rows = await db
        .selectFrom('clip_notes')
        .selectAll()
        .where('clip_id', '=', request.params.id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return { items: rows.map(toNote) };
    },
  );

  app.post(
    '/api/v1/clips/:id/notes',
    {
      config: { permission: 'clips:score' },
      schema: {
        tags: ['clips'],
        summary: 'Add a note to a clip (signed with your username and the time)',
        params: IdParams,
        body: NoteBody,
        response: { 201: Note, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const clip = await visibleClip(request.principal, request.params.id);
      if (!clip) return reply.code(404).send(notFound(request.params.id));
      const body = request.body.body.trim();
      if (body === '') return reply.code(400).send({ error: 'body/body: expected some text, not only spaces' });
      const principal = request.principal;
      const row = await db
        .insertInto('clip_notes')
        .values({
          clip_id: clip.id,
          author_id: principal?.userId ?? '',
          author_name: principal?.username ?? '',
          body,
          created_at: new Date().toISOString(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit.record(request, {
        action: 'clip.note',
        subjectType: 'clip',
        subjectId: clip.id,
        storeId: clip.store_id,
        details: { noteId: Number(row.id) },
      });
      return reply.code(201).send(toNote(row));
    },
  );

  app.put(
    '/api/v1/clips/:id/follow-up',
    {
      config: { permission: 'clips:score' },
      schema: {
        tags: ['clips'],
        summary: 'Flag a clip for follow-up (e.g. a detractor to call back); setting it again keeps the first',
        params: IdParams,
        response: { 200: FollowUp, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const clip = await visibleClip(request.principal, request.params.id);
      if (!clip) return reply.code(404).send(notFound(request.params.id));
      await db
        .insertInto('clip_follow_ups')
        .values({ clip_id: clip.id, set_by: request.principal?.username ?? '', set_at: new Date().toISOString() })
        .onConflict((oc) => oc.column('clip_id').doNothing())
        .execute();
      await audit.record(request, {
        action: 'clip.follow-up.set',
        subjectType: 'clip',
        subjectId: clip.id,
        storeId: clip.store_id,
      });
      return followUpOf(clip.id);
    },
  );

  app.delete(
    '/api/v1/clips/:id/follow-up',
    {
      config: { permission: 'clips:score' },
      schema: {
        tags: ['clips'],
        summary: "Clear a clip's follow-up flag (done, or not needed)",
        params: IdParams,
        response: { 200: FollowUp, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const clip = await visibleClip(request.principal, request.params.id);
      if (!clip) return reply.code(404).send(notFound(request.params.id));
      await db.deleteFrom('clip_follow_ups').where('clip_id', '=', clip.id).execute();
      await audit.record(request, {
        action: 'clip.follow-up.clear',
        subjectType: 'clip',
        subjectId: clip.id,
        storeId: clip.store_id,
      });
      return { clipId: clip.id, followUp: null };
    },
  );

  async function followUpOf(clipId: string) {
    const row = await db.selectFrom('clip_follow_ups').selectAll().where('clip_id', '=', clipId).executeTakeFirst();
    return { clipId, followUp: row ? { by: row.set_by, at: row.set_at } : null };
  }
};

function toNote(row: { id: number | string; clip_id: string; author_name: string; body: string; created_at: string }) {
  return {
    id: Number(row.id),
    clipId: row.clip_id,
    author: row.author_name,
    body: row.body,
    createdAt: row.created_at,
  };
}
