import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Ajv coerces `?hours=Infinity` or `1e309` to Infinity and then skips minimum and maximum for it
 * (they only test finite numbers), and JSON.parse reads 1e309 as Infinity too. This preHandler
 * refuses any non-finite number left in a validated query, body or path with a 400 that names it.
 */
export async function refuseNonFiniteNumbers(request: FastifyRequest, reply: FastifyReply) {
  for (const [part, value] of [
    ['querystring', request.query],
    ['params', request.params],
    ['body', request.body],
  ] as const) {
    const where = nonFinite(value, part, 0);
    if (where) return reply.code(400).send({ error: `${where} must be a finite number` });
  }
  return undefined;
}

/** The path of the first non-finite number within `value`, if any; deep nesting is not walked. */
function nonFinite(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (depth > 8 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = nonFinite(inner, `${path}/${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}
