import { type ExpressionBuilder, sql } from 'kysely';
import type { DatabaseSchema } from '../db/schema.js';

export type NpsClass = 'promoter' | 'passive' | 'detractor';

/**
 * The class of an NPS answer in force, computed where the answers are: promoters answer 9–10,
 * passives 7–8, detractors 0–6; null without a score. Every NPS figure counts classes from this
 * expression, so that the report, the series and any summary cannot disagree on a boundary.
 */
export function npsClassOf(eb: ExpressionBuilder<DatabaseSchema, 'answers'>) {
  return eb
    .case()
    .when('answers.value', '>=', 9)
    .then(sql<NpsClass>`'promoter'`)
    .when('answers.value', '>=', 7)
    .then(sql<NpsClass>`'passive'`)
    .when('answers.value', 'is not', null)
    .then(sql<NpsClass>`'detractor'`)
    .else(null)
    .end();
}
