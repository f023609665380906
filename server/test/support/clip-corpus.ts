import type { Insertable } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { localDayAndHour } from '../../src/clips/zoned-time.js';
import type { AnswersTable, ClipScorecardsTable, ClipsTable, TranscriptsTable } from '../../src/db/schema.js';

/**
 * A chain's clips, made up but shaped like real ones, for query-plan tests and the scale bench:
 * stores in several time zones with two devices each, one press every 30 seconds somewhere in the
 * chain from CORPUS_START on (a million clips span about a year), a transcript on most clips
 * (Russian and English words among a large made-up vocabulary), an NPS answer on the NPS
 * question's clips (some given by a person, some waiting for review) and a scorecard on some.
 * Clip i is the same in every run, so that queries can name what they expect to find.
 */
export const CORPUS_START = Date.UTC(2025, 0, 1);
export const PRESS_EVERY_MS = 30_000;
export const CHECKLIST_ID = 'service';
export const QUESTIONS = ['nps', 'improve', 'complaint'] as const;
const ZONES = ['Europe/Moscow', 'Asia/Vladivostok', 'Europe/Kaliningrad', 'Asia/Kathmandu', 'UTC'];

/** Words searched for: each appears in about one transcript in 75; 'slow' and 'хлеб' more rarely. */
export const COMMON_WORDS = ['queue', 'checkout', 'friendly', 'milk', 'price', 'очередь', 'касса', 'цена'];
export const RARE_WORDS = ['parking', 'вежливо'];
const FILLER = Array.from({ length: 4000 }, (_, i) => `w${i.toString(36)}x`);

export function storeZone(n: number): string {
  return ZONES[n % ZONES.length] as string;
}

export function storeId(n: number): string {
  return `store-${n}`;
}

export function deviceId(n: number): string {
  return `pi-${n}`;
}

export function pressedAt(i: number): string {
  return new Date(CORPUS_START + i * PRESS_EVERY_MS).toISOString();
}

function sentence(i: number): string {
  const words: string[] = [];
  for (let k = 0; k < 20; k++) words.push(FILLER[(i * 7919 + k * 104_729) % FILLER.length] as string);
  if (i % 10 === 0) words.splice(i % 20, 0, COMMON_WORDS[(i / 10) % COMMON_WORDS.length] as string);
  if (i % 997 === 1) words.splice(3, 0, RARE_WORDS[i % RARE_WORDS.length] as string);
  return words.join(' ');
}

function machineJson(value: number, unsure: boolean): string {
  return JSON.stringify({
    form: 'nps',
    value: unsure ? null : value,
    confidence: unsure ? 0.3 : 0.9,
    needsReview: unsure,
    reason: unsure ? 'two readings disagree' : `heard "${value}"`,
    evidence: [],
    text: String(value),
    window: { startMs: 0, endMs: 20_000 },
    pressMs: 15_000,
    question: { heard: false, span: null, matched: null },
    readings: [],
  });
}

/** Stores, devices, questions, the checklist and a user to score with: everything but the clips. */
export async function seedChain(db: Database, stores: number): Promise<void> {
  const at = new Date(CORPUS_START).toISOString();
  await db
    .insertInto('stores')
    .values(
      Array.from({ length: stores }, (_, n) => ({
        id: storeId(n),
        name: `Store ${n}`,
        location: null,
        time_zone: storeZone(n),
        language: n % 2 === 0 ? 'ru-RU' : 'en-GB',
        created_at: at,
      })),
    )
    .execute();
  for (let from = 0; from < stores * 2; from += 500) {
    const devices = Array.from({ length: Math.min(500, stores * 2 - from) }, (_, k) => from + k);
    await db
      .insertInto('devices')
      .values(
        devices.map((n) => ({
          id: deviceId(n),
          state: 'online' as const,
          version: '1.0.0',
          state_changed_at: at,
          last_seen_at: at,
          store_id: storeId(n % stores),
          name: `Till ${n}`,
        })),
      )
      .execute();
  }
  await db
    .insertInto('questions')
    .values(QUESTIONS.map((id) => ({ id, kind: id === 'nps' ? 'nps' : 'open', text_en: id, text_ru: null })))
    .execute();
  await db
    .insertInto('checklists')
    .values({
      id: CHECKLIST_ID,
      question_id: 'complaint',
      name: 'Service',
      items_json: JSON.stringify([
        { id: 'greeted', text: { en: 'Greeted' } },
        { id: 'solved', text: { en: 'Solved' } },
      ]),
      updated_at: at,
    })
    .execute();
  await db
    .insertInto('users')
    .values({ id: 'corpus-scorer', username: 'corpus-scorer', role: 'manager', password_hash: null, created_at: at })
    .execute();
}

/** The rows of clips [from, to) with their transcripts, answers and scorecards. */
export interface CorpusRows {
  clips: Insertable<ClipsTable>[];
  transcripts: Insertable<TranscriptsTable>[];
  answers: Insertable<AnswersTable>[];
  clip_scorecards: Insertable<ClipScorecardsTable>[];
}

export function corpusRows(stores: number, from: number, to: number): CorpusRows {
  const clips: Insertable<ClipsTable>[] = [];
  const transcripts: Insertable<TranscriptsTable>[] = [];
  const answers: Insertable<AnswersTable>[] = [];
  const clip_scorecards: Insertable<ClipScorecardsTable>[] = [];
  for (let i = from; i < to; i++) {
    const at = pressedAt(i);
    const id = `c${i.toString(36).padStart(8, '0')}`;
    const question = QUESTIONS[i % QUESTIONS.length] as string;
    const failed = i % 50 === 7;
    clips.push({
      id,
      device_id: deviceId(i % (stores * 2)),
      button: 1 + (i % 3),
      question_id: question,
      pressed_at: at,
      start_at: at,
      end_at: at,
      duration_ms: 20_000,
      sample_rate: 16000,
      channels: 1,
      container: 'ogg',
      codec: 'opus',
      size: 60_000,
      sha256: 'a'.repeat(64),
      storage_key: `clips/corpus/${id}.ogg`,
      truncated: i % 40 === 3 ? 1 : 0,
      gaps_json: i % 100 === 9 ? '[{"startMs":0,"durationMs":500}]' : '[]',
      meta_json: '{"captureSession":"corpus","startFrame":0,"endFrame":1,"pressFrame":0}',
      status: failed ? 'failed' : 'transcribed',
      received_at: at,
      store_id: storeId(i % stores),
      ...localTime(at, storeZone(i % stores)),
      source: i % 25 === 4 ? 'import' : 'device',
    });
    if (!failed) {
      transcripts.push({
        clip_id: id,
        engine: 'corpus',
        language: i % 2 === 0 ? 'ru' : 'en',
        text: sentence(i),
        words_json: '[]',
        duration_ms: 20_000,
        created_at: at,
      });
    }
    if (question === 'nps' && !failed) {
      const value = (i * 7) % 11;
      const human = i % 9 === 0;
      const unsure = !human && i % 13 === 0;
      answers.push({
        clip_id: id,
        form: 'nps',
        value: unsure ? null : value,
        source: unsure ? null : human ? 'human' : 'machine',
        needs_review: unsure ? 1 : 0,
        machine_value: value,
        machine_confidence: unsure ? 0.3 : 0.9,
        machine_json: machineJson(value, unsure),
        human_value: human ? value : null,
        human_by: human ? 'corpus-scorer' : null,
        human_at: human ? at : null,
        read_at: at,
        pressed_at: at,
        store_id: storeId(i % stores),
      });
    }
    // People score by hand: one complaint in a hundred.
    if (question === 'complaint' && i % 100 === 2) {
      clip_scorecards.push({
        clip_id: id,
        checklist_id: CHECKLIST_ID,
        user_id: 'corpus-scorer',
        answers_json: JSON.stringify({ greeted: i % 2 ? 'yes' : 'no', solved: i % 3 ? 'yes' : 'unsure' }),
        comment: null,
        scored_at: at,
      });
    }
  }
  return { clips, transcripts, answers, clip_scorecards };
}

/** Clips [from, to) with their transcripts, answers and scorecards, inserted in one transaction. */
export async function seedClips(db: Database, stores: number, from: number, to: number): Promise<void> {
  const rows = corpusRows(stores, from, to);
  // SQLite binds at most 32,766 parameters a statement: 1,000 clips of 22 columns at most.
  const chunks = <T>(all: T[]) =>
    Array.from({ length: Math.ceil(all.length / 1000) }, (_, k) => all.slice(k * 1000, k * 1000 + 1000));
  await db.transaction().execute(async (trx) => {
    for (const chunk of chunks(rows.clips)) await trx.insertInto('clips').values(chunk).execute();
    for (const chunk of chunks(rows.transcripts)) await trx.insertInto('transcripts').values(chunk).execute();
    for (const chunk of chunks(rows.answers)) await trx.insertInto('answers').values(chunk).execute();
    for (const chunk of chunks(rows.clip_scorecards)) await trx.insertInto('clip_scorecards').values(chunk).execute();
  });
}

/** A clip's local day and hour in its store's zone, as the server writes them (press-local-time.ts). */
function localTime(at: string, zone: string): { local_day: string; local_hour: number } {
  const { day, hour } = localDayAndHour(at, zone);
  return { local_day: day, local_hour: hour };
}
