import { instantProblem, timeBoundProblem } from '../time/strict-time.js';

/** The part of Ajv used here (Fastify's compiler owns the instance). */
interface FormatRegistry {
  addFormat(name: string, format: { type: 'string'; validate: (text: string) => boolean }): unknown;
}

/**
 * The schema formats for times, checked by the one strict reader (src/time/strict-time.ts), so
 * that a leap second or 2026-13-45 is refused at the boundary with a 400, never parsed into a 500.
 * `date-time` replaces ajv-formats' own, which accepts both.
 */
export function addTimeFormats(ajv: FormatRegistry): void {
  ajv.addFormat('date-time', { type: 'string', validate: (text) => instantProblem(text) === undefined });
  ajv.addFormat('time-bound', { type: 'string', validate: (text) => timeBoundProblem(text) === undefined });
}
