import { DEFAULT_ANSWER_SETTINGS, type MachineAnswer, type TargetedRecogniser } from '../../../src/answers/answer.js';
import { withTargetedReading } from '../../../src/answers/combine-readings.js';
import { readAnswer } from '../../../src/answers/read-answer.js';
import type { TranscriptionEngine } from '../../../src/transcription/transcript.js';
import type { CorpusCase } from './corpus-case.js';
import { clipAudio } from './render-audio.js';
import { contextOf } from './score-corpus.js';

export interface OfflineAnswers {
  /** The reader on the full transcript alone (the baseline). */
  transcriptOnly: MachineAnswer;
  /** With the targeted re-recognition of the window combined in. */
  combined: MachineAnswer;
  heard: string;
}

/** Path (b) of issue #12 for one clip: full transcription, the reader, targeted re-recognition, combined. */
export async function readOffline(
  c: CorpusCase,
  pcm: Int16Array,
  pressMs: number,
  engine: TranscriptionEngine,
  targeted: TargetedRecogniser,
): Promise<OfflineAnswers> {
  const audio = clipAudio(pcm);
  const transcript = await engine.transcribe(audio, 'en-US');
  const answer = readAnswer(transcript.words, contextOf(c, pressMs));
  let combined = answer;
  if (answer.form !== 'text' && answer.window.endMs > answer.window.startMs) {
    const reading = await targeted.recognise(audio, answer.window, answer.form, 'en-US');
    if (reading) combined = withTargetedReading(answer, reading, DEFAULT_ANSWER_SETTINGS, transcript.words);
  }
  return { transcriptOnly: answer, combined, heard: transcript.text };
}
