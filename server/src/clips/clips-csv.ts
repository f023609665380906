import { stringify } from 'csv-stringify/sync';
import type { Clip } from './clip-view.js';

/** A note as the export writes it: who, when, what. */
export interface CsvNote {
  author: string;
  createdAt: string;
  body: string;
}

const HEADER = [
  'clip_id',
  'pressed_at_utc',
  'store_id',
  'device_id',
  'button',
  'question_id',
  'duration_s',
  'truncated',
  'gaps',
  'nps_score',
  'answer_form',
  'answer_value',
  'answer_source',
  'answer_confidence',
  'needs_review',
  'question_heard',
  'answer_text',
  'follow_up',
  'follow_up_by',
  'follow_up_at',
  'notes',
  'transcript',
];

/**
 * The clip export: RFC 4180 (CRLF, quoted where needed), one clip a line after the header. A
 * leading =, +, - or @ is defused so that spreadsheets do not run a transcript as a formula.
 * `notes` holds each clip's notes, oldest first.
 */
export function clipsCsv(clips: Clip[], notes: ReadonlyMap<string, CsvNote[]> = new Map()): string {
  return stringify([HEADER, ...clips.map((clip) => csvRecord(clip, notes.get(clip.id) ?? []))], {
    record_delimiter: 'windows',
    // Any line break in a field, not only CRLF: a lone \n would end the line in a spreadsheet.
    quote_record_delimiter: true,
    escape_formulas: true,
  });
}

function csvRecord(clip: Clip, notes: CsvNote[]): string[] {
  const answer = clip.answer;
  return [
    clip.id,
    clip.pressedAt,
    clip.storeId ?? '',
    clip.deviceId,
    String(clip.button),
    clip.question?.id ?? '',
    (clip.durationMs / 1000).toFixed(1),
    clip.truncated ? 'yes' : 'no',
    String(clip.gaps.length),
    answer?.form !== 'nps' || answer.value === null ? '' : String(answer.value),
    answer?.form ?? '',
    answer?.value === null || answer === null ? '' : String(answer.value),
    answer?.source ?? '',
    answer === null ? '' : answer.confidence.toFixed(2),
    answer === null ? '' : yesNo(answer.needsReview),
    answer === null ? '' : yesNo(answer.questionHeard.heard),
    answer?.text ?? '',
    yesNo(clip.followUp !== null),
    clip.followUp?.by ?? '',
    clip.followUp?.at ?? '',
    // One cell, one note a line: a spreadsheet shows them stacked in the clip's row.
    notes.map((note) => `${note.createdAt} ${note.author}: ${note.body}`).join('\n'),
    clip.transcript?.text ?? '',
  ];
}

const yesNo = (flag: boolean) => (flag ? 'yes' : 'no');
