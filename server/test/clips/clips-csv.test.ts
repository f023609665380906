import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clip } from '../../src/clips/clip-view.js';
import { clipsCsv } from '../../src/clips/clips-csv.js';

function clip(text: string): Clip {
  return {
    id: 'c1',
    deviceId: 'pi',
    button: 2,
    question: null,
    pressedAt: '2026-03-01T10:00:00.000Z',
    startAt: '2026-03-01T09:59:58.000Z',
    endAt: '2026-03-01T10:00:02.000Z',
    durationMs: 4000,
    sampleRate: 16000,
    channels: 1,
    container: 'wav',
    codec: 'pcm_s16le',
    size: 1,
    sha256: '0'.repeat(64),
    truncated: false,
    gaps: [],
    status: 'stored',
    capture: { session: 's', startFrame: 0, endFrame: 1, pressFrame: 0 },
    receivedAt: '2026-03-01T10:00:03.000Z',
    audioUrl: '/api/v1/clips/c1/audio',
    storeId: null,
    source: 'device',
    transcript: { text, words: [], engine: 'e', language: 'en', durationMs: 4000 },
    answer: null,
    followUp: null,
    score: null,
  };
}

describe('clips CSV', () => {
  it('writes a header and one CRLF-ended line a clip', () => {
    assert.equal(
      clipsCsv([clip('fine')]),
      'clip_id,pressed_at_utc,store_id,device_id,button,question_id,duration_s,truncated,gaps,nps_score,' +
        'answer_form,answer_value,answer_source,answer_confidence,needs_review,question_heard,answer_text,' +
        'follow_up,follow_up_by,follow_up_at,notes,transcript\r\n' +
        'c1,2026-03-01T10:00:00.000Z,,pi,2,,4.0,no,0,,,,,,,,,no,,,,fine\r\n',
    );
  });

  const fields: [string, string][] = [
    ['a, b', '"a, b"'],
    ['say "ten"', '"say ""ten"""'],
    ['two\nlines', '"two\nlines"'],
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+7 999', "'+7 999"],
    ['-1', "'-1"],
    ['@me', "'@me"],
    ['=1,2', `"'=1,2"`],
  ];
  for (const [text, expected] of fields) {
    it(`quotes or defuses ${JSON.stringify(text)}`, () => {
      const line = clipsCsv([clip(text)]).split('\r\n')[1] ?? '';
      assert.ok(line.endsWith(`,${expected}`), line);
    });
  }
});
