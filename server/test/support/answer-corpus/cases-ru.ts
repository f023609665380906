import type { AnswerForm } from '../../../src/answers/answer.js';
import type { CorpusCase, Turn } from './corpus-case.js';
import { seededRandom } from './seeded-random.js';

const RU = ['ноль', 'один', 'два', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять', 'десять'];

export const QUESTIONS_RU = {
  nps: 'Насколько вероятно, что вы порекомендуете нас друзьям, от нуля до десяти?',
  csat: 'Насколько вы довольны обслуживанием, от одного до пяти?',
  yes_no: 'Вы нашли всё, что искали?',
  open: 'Что нам сделать лучше?',
} as const;

const staff = (text: string, gapMs = 600): Turn => ({ speaker: 'staff', text, gapMs });
const customer = (text: string, gapMs = 700): Turn => ({ speaker: 'customer', text, gapMs });
const other = (text: string, gapMs = 700): Turn => ({ speaker: 'other', text, gapMs });

interface Script {
  hazards: string[];
  kind: keyof typeof QUESTIONS_RU;
  turns: Turn[];
  pressAfter?: number;
  pressDelayMs?: number;
  expected: number | null;
}

const FORM: Record<keyof typeof QUESTIONS_RU, AnswerForm> = {
  nps: 'nps',
  csat: 'csat',
  yes_no: 'yes_no',
  open: 'text',
};
const Q = (kind: keyof typeof QUESTIONS_RU) => staff(QUESTIONS_RU[kind]);

/** Value-dependent NPS shapes; recognisers return digits ("8") as often as words, so both occur. */
const NPS: ((v: number) => Script)[] = [
  (v) => ({ hazards: ['«на N»'], kind: 'nps', turns: [Q('nps'), customer(`Ну, на ${RU[v]}.`)], expected: v }),
  (v) => ({ hazards: ['«N из 10», digits'], kind: 'nps', turns: [Q('nps'), customer(`${v} из 10.`)], expected: v }),
  (v) => ({
    hazards: ['price before the question'],
    kind: 'nps',
    turns: [
      staff('С вас триста сорок рублей.'),
      customer('Вот, пожалуйста.'),
      Q('nps'),
      customer(`Поставлю ${RU[v]}.`),
    ],
    expected: v,
  }),
  (v) => ({
    hazards: ['counted things'],
    kind: 'nps',
    turns: [customer('Два капучино и три круассана, пожалуйста.'), staff('Хорошо.'), Q('nps'), customer(`${RU[v]}.`)],
    expected: v,
  }),
  (v) => ({
    hazards: ['order number after the press'],
    kind: 'nps',
    turns: [Q('nps'), customer(`Думаю, ${RU[v]}.`), staff('Спасибо, ваш номер заказа сорок два.', 1500)],
    pressAfter: 1,
    expected: v,
  }),
  (v) => ({
    hazards: ['hesitation'],
    kind: 'nps',
    turns: [Q('nps'), customer(`Хм, дайте подумать… ${RU[v]}.`)],
    expected: v,
  }),
  (v) => ({
    hazards: ['range'],
    kind: 'nps',
    turns: [Q('nps'), customer(`${RU[Math.min(v, 9)]} или ${RU[Math.min(v, 9) + 1]}.`)],
    expected: null,
  }),
  (v) => ({
    hazards: ['answer just after the press'],
    kind: 'nps',
    turns: [Q('nps'), customer(`На ${RU[v]}.`, 1200)],
    pressAfter: 0,
    pressDelayMs: 300,
    expected: v,
  }),
  (v) => ({
    hazards: ['neighbouring conversation before'],
    kind: 'nps',
    turns: [Q('nps'), other('Десять из десяти.'), staff('Спасибо, до свидания.'), Q('nps'), customer(`${RU[v]}.`)],
    expected: v,
  }),
];

const FIXED: Script[] = [
  { hazards: ['«десятка»'], kind: 'nps', turns: [Q('nps'), customer('Твёрдая десятка.')], expected: 10 },
  { hazards: ['«пятёрка» on 0–10: ambiguous'], kind: 'nps', turns: [Q('nps'), customer('Пятёрка.')], expected: null },
  { hazards: ['refusal «не знаю»'], kind: 'nps', turns: [Q('nps'), customer('Не знаю даже.')], expected: null },
  { hazards: ['refusal'], kind: 'nps', turns: [Q('nps'), customer('Не хочу отвечать.')], expected: null },
  { hazards: ['«пятёрка» on 1–5'], kind: 'csat', turns: [Q('csat'), customer('Пятёрка, конечно.')], expected: 5 },
  { hazards: ['csat digits'], kind: 'csat', turns: [Q('csat'), customer('4 из 5.')], expected: 4 },
  { hazards: ['csat word'], kind: 'csat', turns: [Q('csat'), customer('Три.')], expected: 3 },
  { hazards: ['csat range'], kind: 'csat', turns: [Q('csat'), customer('Четыре или пять.')], expected: null },
  { hazards: ['yes'], kind: 'yes_no', turns: [Q('yes_no'), customer('Да, всё нашла.')], expected: 1 },
  { hazards: ['no'], kind: 'yes_no', turns: [Q('yes_no'), customer('Нет, к сожалению.')], expected: 0 },
  { hazards: ['open, minutes'], kind: 'open', turns: [Q('open'), customer('Ждала двадцать минут.')], expected: null },
  { hazards: ['open'], kind: 'open', turns: [Q('open'), customer('Больше свежей выпечки утром.')], expected: null },
];

/** The Russian transcript-level corpus: each NPS shape with four values (seeded), and the fixed cases. */
export function russianCases(seed = 12): CorpusCase[] {
  const random = seededRandom(seed + 1);
  const scripts: Script[] = [];
  for (const shape of NPS) for (let i = 0; i < 4; i++) scripts.push(shape(Math.floor(random() * 11)));
  scripts.push(...FIXED);
  return scripts.map((s, i) => ({
    id: `ru-${String(i + 1).padStart(3, '0')}`,
    language: 'ru' as const,
    form: FORM[s.kind],
    question: QUESTIONS_RU[s.kind],
    turns: s.turns.map((t) => ({ ...t, gapMs: t.gapMs + Math.round(random() * 300) })),
    pressAfter: s.pressAfter ?? s.turns.length - 1,
    pressDelayMs: (s.pressDelayMs ?? 600) + Math.round(random() * 400),
    expected: s.expected,
    hazards: s.hazards,
    voices: { staff: '', customer: '', other: '' },
  }));
}
