import { stringify } from 'csv-stringify/sync';
import type { Clip } from './clip-view.js';

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
  'transcript',
];

/**
 * The clip export: RFC 4180 (CRLF, quoted where needed), one clip a line after the header. A
 * leading =, +, - or @ is defused so that spreadsheets do not run a transcript as a formula.
 */
export function clipsCsv(clips: Clip[]): string {
  return stringify([HEADER, ...clips.map(csvRecord)], {
    record_delimiter: 'windows',
    // Any line break in a field, not only CRLF: a lone \n would end the line in a spreadsheet.
    quote_record_delimiter: true,
    escape_formulas: true,
  });
}

function csvRecord(clip: Clip): string[] {
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
    clip.answer?.form !== 'nps' || clip.answer.value === null ? '' : String(clip.answer.value),
    clip.transcript?.text ?? '',
  ];
}
