import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * API answers carry personal data: audio, transcripts, exports, answers. No cache between the
 * server and the browser (a shared proxy, the browser's disk) may keep them, and no browser may
 * guess another content type than the one sent (an audio file sniffed as HTML would run).
 */
export async function privateResponses(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  reply.header('x-content-type-options', 'nosniff');
  if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  return payload;
}
