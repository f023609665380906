import type { Kysely } from 'kysely';

/**
 * The NPS scores of the whole-transcript reader (0001's `scores`) become machine answers, marked
 * as read without a window so that `earshot-server answers reread` reads them properly. A score
 * that was null goes to review, like any missing answer.
 */
export async function moveScoresToAnswers(db: Kysely<unknown>): Promise<void> {
  const scores = db as unknown as Kysely<{
    scores: {
      clip_id: string;
      value: number | null;
      evidence_json: string | null;
      reason: string | null;
      created_at: string;
    };
    answers: Record<string, unknown>;
  }>;
  for (let after = ''; ;) {
    const rows = await scores
      .selectFrom('scores')
      .selectAll()
      .where('clip_id', '>', after)
      .orderBy('clip_id')
      .limit(500)
      .execute();
    const last = rows.at(-1);
    if (!last) return;
    await scores
      .insertInto('answers')
      .values(
        rows.map((row) => {
          const evidence = row.evidence_json
            ? ((JSON.parse(row.evidence_json) as { words?: unknown[] }).words ?? [])
            : [];
          const reason =
            row.value === null ? (row.reason ?? 'no number in the answer') : 'read from the whole transcript';
          const machine = {
            form: 'nps',
            value: row.value,
            confidence: row.value === null ? 0 : 0.7,
            needsReview: row.value === null,
            reason: `${reason} (before answer windows: re-read to refresh)`,
            evidence,
            text: '',
            window: { startMs: 0, endMs: 0 },
            pressMs: 0,
            question: { heard: false, span: null, matched: null, similarity: 0 },
            readings: [],
          };
          return {
            clip_id: row.clip_id,
            form: 'nps',
            value: row.value,
            source: row.value === null ? null : 'machine',
            needs_review: row.value === null ? 1 : 0,
            question_heard: 0,
            machine_value: row.value,
            machine_confidence: machine.confidence,
            machine_json: JSON.stringify(machine),
            read_at: row.created_at,
          };
        }),
      )
      .execute();
    after = last.clip_id;
  }
}
