import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './processes.js';
import { speak } from './speech.js';

const run = promisify(execFile);

export interface SpokenImport {
  /** The server's base URL and an admin's API token. */
  api: string;
  token: string;
  /** Where the speech and the recording are written. */
  dir: string;
  deviceId: string;
  answers: { text: string; button: number }[];
  /** Each answer sits alone in a segment this long, its press this far into it. */
  segmentSeconds: number;
  pressAtSeconds: number;
}

let imports = 0;

/**
 * Files one recording of spoken answers through the batch import API, as a dictaphone's would
 * be: one answer per segment, each pressed with its button; resolves once every clip is stored.
 */
export async function importSpokenAnswers(options: SpokenImport): Promise<void> {
  const { api, token, dir, deviceId, answers, segmentSeconds, pressAtSeconds } = options;
  imports += 1;
  const segments: string[] = [];
  for (const [i, answer] of answers.entries()) {
    const spoken = join(dir, `import-${imports}-${i}.wav`);
    await speak(answer.text, spoken);
    const padded = join(dir, `import-${imports}-${i}-padded.wav`);
    // Half a second of silence, the words, silence to the end of the segment.
    await run('sox', [spoken, padded, 'pad', '0.5', String(segmentSeconds), 'trim', '0', String(segmentSeconds)]);
    segments.push(padded);
  }
  const recording = join(dir, `import-${imports}.wav`);
  if (segments.length === 1) await run('sox', [segments[0] ?? '', recording]);
  else await run('sox', [...segments, recording]);
  const form = new FormData();
  form.append('deviceId', deviceId);
  form.append(
    'presses',
    JSON.stringify({
      recordingStart: new Date(Date.now() - answers.length * segmentSeconds * 1000).toISOString(),
      presses: answers.map((answer, i) => ({ at: i * segmentSeconds + pressAtSeconds, button: answer.button })),
    }),
  );
  form.append('recording', new Blob([await readFile(recording)], { type: 'audio/wav' }), 'recording.wav');
  const headers = { authorization: `Bearer ${token}` };
  const response = await fetch(`${api}/api/v1/imports`, { method: 'POST', headers, body: form });
  assert.equal(response.status, 202, await response.clone().text());
  const { id } = (await response.json()) as { id: string };
  const done = await waitFor('the import to finish', async () => {
    const state = (await (await fetch(`${api}/api/v1/imports/${id}`, { headers })).json()) as {
      state: string;
      result?: { clips: { status: string }[] };
    };
    assert.notEqual(state.state, 'failed', JSON.stringify(state));
    return state.state === 'done' ? state : undefined;
  });
  assert.deepEqual(
    done.result?.clips.map((c) => c.status),
    answers.map(() => 'complete'),
    JSON.stringify(done.result),
  );
}
