import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AuditLog } from '../../audit/audit-log.js';
import { inClipScope } from '../../clips/clip-view.js';
import type { Database } from '../../db/database.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { parseByteRange } from '../byte-range.js';
import { ErrorBody, IdParams } from '../schemas.js';

export interface ClipAudioRoutesOptions {
  db: Database;
  blobs: BlobStore;
  audit: AuditLog;
}

const AudioBody = Type.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'audio/wav or audio/ogg' });

const CONTENT_TYPES: Record<string, string> = { wav: 'audio/wav', ogg: 'audio/ogg' };

/** A clip's audio: where to fetch it, and the bytes themselves (a listen is audited). */
export const clipAudioRoutes: FastifyPluginAsyncTypebox<ClipAudioRoutesOptions> = async (app, { db, blobs, audit }) => {
  app.get(
    '/api/v1/clips/:id/audio-link',
    {
      config: { permission: 'clips:listen' },
      schema: {
        tags: ['clips'],
        summary: 'Where to fetch the audio: a presigned object-storage URL when the store has one, else the API',
        params: IdParams,
        response: { 200: Type.Object({ url: Type.String(), direct: Type.Boolean() }), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const clip = await inClipScope(db.selectFrom('clips'), request.principal)
        .select(['storage_key', 'store_id'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!clip) return reply.code(404).send({ error: `no clip ${id}` });
      const direct = await blobs.directUrl(clip.storage_key);
      if (direct) {
        await audit.record(request, {
          action: 'clip.listen',
          subjectType: 'clip',
          subjectId: id,
          storeId: clip.store_id,
          details: { via: 'presigned' },
        });
      }
      return direct ? { url: direct, direct: true } : { url: `/api/v1/clips/${id}/audio`, direct: false };
    },
  );

  app.get(
    '/api/v1/clips/:id/audio',
    {
      config: { permission: 'clips:listen' },
      schema: {
        tags: ['clips'],
        summary: 'The clip audio; honours a single HTTP Range so that players can seek',
        params: IdParams,
        headers: Type.Object({ range: Type.Optional(Type.String()) }),
        response: { 200: AudioBody, 206: AudioBody, 404: ErrorBody, 416: ErrorBody },
      },
    },
    async (request, reply) => {
      const clip = await inClipScope(db.selectFrom('clips'), request.principal)
        .select(['storage_key', 'container', 'size', 'store_id'])
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!clip) return reply.code(404).send({ error: `no clip ${request.params.id}` });
      const size = await blobs.size(clip.storage_key);
      if (size === undefined) {
        request.log.error({ clipId: request.params.id, key: clip.storage_key }, 'clip row without audio');
        return reply.code(404).send({ error: `audio of clip ${request.params.id} is missing from storage` });
      }
      const range = parseByteRange(request.headers.range, size);
      // A player fetches many ranges of one clip; the first byte marks a listen, the rest follow it.
      if (range === undefined || (range !== 'unsatisfiable' && range.start === 0)) {
        await audit.record(request, {
          action: range === undefined ? 'clip.download' : 'clip.listen',
          subjectType: 'clip',
          subjectId: request.params.id,
          storeId: clip.store_id,
        });
      }
      reply.header('accept-ranges', 'bytes');
      if (range === 'unsatisfiable') {
        // JSON, not the audio's type: an object sent as audio/wav is a serialisation fault (a 500).
        reply.header('content-range', `bytes */${size}`).type('application/json; charset=utf-8');
        return reply.code(416).send({ error: `range not satisfiable: the audio has ${size} bytes` });
      }
      reply.type(CONTENT_TYPES[clip.container] ?? 'application/octet-stream');
      if (range) {
        reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`);
        reply.header('content-length', range.end - range.start + 1);
        return reply.send(await blobs.read(clip.storage_key, range));
      }
      reply.header('content-length', size);
      return reply.send(await blobs.read(clip.storage_key));
    },
  );
};
