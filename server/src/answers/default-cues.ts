import type { AnswerForm } from './answer.js';

/**
 * Phrases that show a question of this form was asked, per language, besides the question's own
 * text and the cues configured for it. Only phrases staff say and customers do not: "out of ten"
 * is left out on purpose, because the answer "nine out of ten" would then look like the question
 * and hide the nine.
 */
export const DEFAULT_CUES: Readonly<Record<AnswerForm, Readonly<Record<string, readonly string[]>>>> = {
  nps: {
    en: [
      'how likely are you to recommend',
      'recommend us to a friend',
      'on a scale from zero to ten',
      'scale of one to ten',
    ],
    ru: [
      'порекомендуете ли вы нас',
      'насколько вероятно что вы порекомендуете',
      'от нуля до десяти',
      'по десятибалльной шкале',
    ],
  },
  csat: {
    en: ['how satisfied are you', 'how would you rate', 'on a scale of one to five', 'from one to five'],
    ru: ['насколько вы довольны', 'как вы оцените', 'от одного до пяти', 'по пятибалльной шкале'],
  },
  yes_no: {},
  text: {},
};
