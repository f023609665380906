import { type ExpressionBuilder, sql } from 'kysely';
import type { DatabaseSchema } from '../db/schema.js';

export type NpsClass = 'promoter' | 'passive' | 'detractor';

/**
 * The class of an NPS answer in force, computed where the answers are: promoters answer 9–10,
 * passives 7–8, detractors 0–6; null without a score. Every NPS query over clips classes answers
 * with this expression. The counts kept in `nps_counts` are classed by migration 0018's triggers
 * (a migration never changes once shipped); test/nps/nps-counts-consistency.test.ts holds the two
 * equal on every boundary.
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
