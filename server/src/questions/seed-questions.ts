import type { ServerConfig } from '../config/server-config.js';
import type { Database } from '../db/database.js';

/** Makes the questions table say what the configuration says; clips keep their question ids. */
export async function seedQuestions(db: Database, questions: ServerConfig['questions']): Promise<void> {
  for (const q of questions) {
    const settings = q.answerSettings ? { answer_settings_json: JSON.stringify(q.answerSettings) } : {};
    const row = { id: q.id, kind: q.kind, text_en: q.text.en, text_ru: q.text.ru ?? null, ...settings };
    await db
      .insertInto('questions')
      .values(row)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ kind: row.kind, text_en: row.text_en, text_ru: row.text_ru, ...settings }),
      )
      .execute();
  }
}
