import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { AnswersTable } from '../db/schema.js';
import { MACHINE_OUTCOMES, machineOutcome } from './machine-outcome.js';
import type { MachineAnswer } from './answer.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const WordView = Type.Object({
  word: Type.String(),
  startMs: Type.Number(),
  endMs: Type.Number(),
  confidence: Nullable(Type.Number()),
});
const Span = Type.Object({ startMs: Type.Number(), endMs: Type.Number() });

/** A clip's answer as the API shows it: the one in force, the machine's reading and a person's. */
export const AnswerView = Type.Object({
  form: Type.Union([Type.Literal('nps'), Type.Literal('csat'), Type.Literal('yes_no'), Type.Literal('text')]),
  /** The answer in force: nps 0–10, csat 1–5, yes_no 1 (yes) / 0 (no); null for text or when there is none. */
  value: Nullable(Type.Integer()),
  /** Who gave `value`: a person, or the machine when it was sure enough; null: no answer in force. */
  source: Type.Union([Type.Literal('machine'), Type.Literal('human'), Type.Null()]),
  /** The machine's confidence, 0..1. */
  confidence: Type.Number(),
  /** Waiting for a person: the machine found no answer, was unsure, or its readings disagreed. */
  needsReview: Type.Boolean(),
  /** Why the machine read this value, or none, in words (English). */
  reason: Type.String(),
  /** What the machine's reading came to, for a console to say in its language (answers/machine-outcome.ts). */
  outcome: Type.Union(MACHINE_OUTCOMES.map((o) => Type.Literal(o))),
  /** The words that gave the machine's value, with their times. */
  evidence: Type.Array(WordView),
  /** The answer window, ms from the clip's start. */
  window: Span,
  /** The press, ms from the clip's start. */
  pressMs: Type.Number(),
  /** Press verification: whether the question (or a cue phrase) was heard before the press, and where. */
  questionHeard: Type.Object({
    heard: Type.Boolean(),
    span: Type.Union([Span, Type.Null()]),
    matched: Type.Union([Type.String(), Type.Null()]),
  }),
  /** The words said in the answer window: the answer itself for open questions and complaints. */
  text: Type.String(),
  machine: Type.Object({ value: Nullable(Type.Integer()), confidence: Type.Number() }),
  human: Type.Union([
    Type.Object({
      value: Nullable(Type.Integer()),
      /** The person listened and found no answer given. */
      declined: Type.Boolean(),
      /** User id. */
      by: Type.Union([Type.String(), Type.Null()]),
      at: Type.String({ format: 'date-time' }),
    }),
    Type.Null(),
  ]),
});
export type AnswerView = Static<typeof AnswerView>;

/** An `answers` row's columns as a query selects them (`answers.*`, or aliased with `a_`: see ANSWER_SELECTION). */
export type AnswerRow = Pick<
  AnswersTable,
  'form' | 'value' | 'source' | 'machine_value' | 'machine_json' | 'human_value' | 'human_by' | 'human_at'
> & { needs_review: number; machine_confidence: number; human_declined: number };

/** The answer columns for a query that joins `answers` to `clips`, aliased so they do not clash. */
export const ANSWER_SELECTION = [
  'answers.form as a_form',
  'answers.value as a_value',
  'answers.source as a_source',
  'answers.needs_review as a_needs_review',
  'answers.machine_value as a_machine_value',
  'answers.machine_confidence as a_machine_confidence',
  'answers.machine_json as a_machine_json',
  'answers.human_value as a_human_value',
  'answers.human_declined as a_human_declined',
  'answers.human_by as a_human_by',
  'answers.human_at as a_human_at',
] as const;

/** The aliased columns of ANSWER_SELECTION (all null when the clip has no answer row). */
export interface AliasedAnswerRow {
  a_form: AnswersTable['form'] | null;
  a_value: number | null;
  a_source: AnswersTable['source'] | null;
  a_needs_review: number | null;
  a_machine_value: number | null;
  a_machine_confidence: number | null;
  a_machine_json: string | null;
  a_human_value: number | null;
  a_human_declined: number | null;
  a_human_by: string | null;
  a_human_at: string | null;
}

/** The answer of an aliased row, or null when the clip has none (no question, not read yet). */
export function aliasedAnswerView(row: AliasedAnswerRow): AnswerView | null {
  if (row.a_form === null || row.a_machine_json === null) return null;
  return answerView({
    form: row.a_form,
    value: row.a_value,
    source: row.a_source,
    needs_review: Number(row.a_needs_review),
    machine_value: row.a_machine_value,
    machine_confidence: Number(row.a_machine_confidence),
    machine_json: row.a_machine_json,
    human_value: row.a_human_value,
    human_declined: Number(row.a_human_declined),
    human_by: row.a_human_by,
    human_at: row.a_human_at,
  });
}

/** The one serialisation of an answer: every route that shows one uses this. */
export function answerView(row: AnswerRow): AnswerView {
  const machine = JSON.parse(row.machine_json) as MachineAnswer;
  return {
    form: row.form,
    value: row.value,
    source: row.source,
    confidence: Number(row.machine_confidence),
    needsReview: Number(row.needs_review) === 1,
    reason: machine.reason,
    outcome: machineOutcome(machine),
    evidence: machine.evidence,
    window: machine.window,
    pressMs: machine.pressMs,
    questionHeard: {
      heard: machine.question.heard,
      span: machine.question.span,
      matched: machine.question.matched,
    },
    text: machine.text,
    machine: { value: row.machine_value, confidence: Number(row.machine_confidence) },
    human: row.human_at
      ? {
          value: row.human_value,
          declined: Number(row.human_declined) === 1,
          by: row.human_by,
          at: row.human_at,
        }
      : null,
  };
}
