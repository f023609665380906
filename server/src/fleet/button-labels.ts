import type { RemoteClipSettings } from '@earshot/shared/protocol';
import type { Static } from '@sinclair/typebox';
import type { Database } from '../db/database.js';
import type { ButtonMap } from '../questions/button-map.js';

/** A button a device's staff may press: the question it answers, labelled as they should read it. */
export interface MappedButton {
  button: number;
  questionId: string;
  label: string;
}

/** The longest label a device takes (RemoteClipSettings.perButton[n].label). */
const MAX_LABEL = 60;

/**
 * The buttons mapped to a question on a device now, in order, with the questions' texts as
 * labels in its store's language (Russian text where the store speaks Russian and the question
 * has one): what its touchscreen shows and what a technician's test press may press.
 */
export async function mappedButtons(db: Database, buttonMap: ButtonMap, deviceId: string): Promise<MappedButton[]> {
  const mapped = await buttonMap.mappedAt(deviceId);
  const ids = [...new Set(Object.values(mapped))];
  const questions = ids.length
    ? await db.selectFrom('questions').select(['id', 'text_en', 'text_ru']).where('id', 'in', ids).execute()
    : [];
  const store = await db
    .selectFrom('devices')
    .innerJoin('stores', 'stores.id', 'devices.store_id')
    .select('stores.language')
    .where('devices.id', '=', deviceId)
    .executeTakeFirst();
  const russian = store?.language.toLowerCase().startsWith('ru') ?? false;
  const textOf = new Map(questions.map((q) => [q.id, (russian && q.text_ru) || q.text_en]));
  return Object.entries(mapped)
    .map(([button, questionId]) => ({
      button: Number(button),
      questionId,
      label: shorten(textOf.get(questionId) ?? questionId),
    }))
    .sort((a, b) => a.button - b.button);
}

function shorten(text: string): string {
  return text.length <= MAX_LABEL ? text : `${text.slice(0, MAX_LABEL - 1)}…`;
}

/**
 * A pushed configuration carries the labels of the buttons mapped now, so that the device's
 * touchscreen shows those buttons and no other; a label the technician typed wins. Buttons beyond
 * a count the push sets are left out (the device would refuse the whole configuration).
 */
export function withLabels(
  clips: Static<typeof RemoteClipSettings>,
  mapped: MappedButton[],
): Static<typeof RemoteClipSettings> {
  const perButton = { ...clips.perButton };
  for (const { button, label } of mapped) {
    if (clips.buttons !== undefined && button > clips.buttons) continue;
    const key = String(button);
    perButton[key] = { ...perButton[key], label: perButton[key]?.label ?? label };
  }
  return { ...clips, perButton };
}
