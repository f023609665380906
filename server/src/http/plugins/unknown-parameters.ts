import type { FastifyReply, FastifyRequest } from 'fastify';

interface ObjectSchema {
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
  patternProperties?: unknown;
}

/**
 * Ajv drops query parameters a route does not know, so `?store=x` (for `storeId`) used to list
 * every store's clips as if no filter had been asked for. This preValidation hook, which runs
 * before that, refuses a parameter the route's querystring schema does not name, and says
 * which ones it knows.
 */
export async function refuseUnknownParameters(request: FastifyRequest, reply: FastifyReply) {
  const schema = request.routeOptions.schema?.querystring as ObjectSchema | undefined;
  if (!schema?.properties || schema.additionalProperties === true || schema.patternProperties) return undefined;
  const known = Object.keys(schema.properties);
  const query = (request.query ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(query).find((name) => !known.includes(name));
  if (unknown === undefined) return undefined;
  return reply.code(400).send({
    error: `querystring: unknown parameter ${JSON.stringify(unknown)}; this route takes ${known.map((k) => JSON.stringify(k)).join(', ') || 'no parameters'}`,
  });
}
