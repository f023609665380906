import { type Transaction, sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { DatabaseSchema } from '../db/schema.js';
import type { MachineAnswer } from './answer.js';
import { answerInForce } from './answer-in-force.js';

type Executor = Database | Transaction<DatabaseSchema>;

/**
 * Writes the machine's answer of a clip, and the answer in force, never touching a person's
 * answer: when one exists (`human_at` set), `value`, `source` and `needs_review` stay as the
 * person left them. The CASE runs inside the upsert, so a person answering at the same moment
 * cannot be overwritten between a read and a write.
 */
export async function saveMachineAnswer(
  db: Executor,
  clipId: string,
  machine: MachineAnswer,
  at: string,
): Promise<{ value: number | null; source: 'human' | 'machine' | null }> {
  const inForce = answerInForce(undefined, machine);
  const machineColumns = {
    form: machine.form,
    question_heard: machine.question.heard ? 1 : 0,
    machine_value: machine.value,
    machine_confidence: machine.confidence,
    machine_json: JSON.stringify(machine),
    read_at: at,
  };
  const row = await db
    .insertInto('answers')
    .values((eb) => ({
      clip_id: clipId,
      pressed_at: eb.selectFrom('clips').select('clips.pressed_at').where('clips.id', '=', clipId),
      store_id: eb.selectFrom('clips').select('clips.store_id').where('clips.id', '=', clipId),
      ...machineColumns,
      ...inForce,
    }))
    .onConflict((oc) =>
      oc.column('clip_id').doUpdateSet({
        ...machineColumns,
        value: sql<number | null>`CASE WHEN answers.human_at IS NULL THEN ${inForce.value} ELSE answers.value END`,
        source: sql<
          'human' | 'machine' | null
        >`CASE WHEN answers.human_at IS NULL THEN ${inForce.source} ELSE answers.source END`,
        needs_review: sql<number>`CASE WHEN answers.human_at IS NULL THEN ${inForce.needs_review} ELSE answers.needs_review END`,
      }),
    )
    .returning(['value', 'source'])
    .executeTakeFirstOrThrow();
  return { value: row.value, source: row.source };
}
