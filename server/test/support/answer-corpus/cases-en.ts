import type { AnswerForm } from '../../../src/answers/answer.js';
import type { CorpusCase, Speaker, Turn } from './corpus-case.js';
import { pick, seededRandom } from './seeded-random.js';

/** The flite voices installed here (`flite -lv`); pocketsphinx hears rms and slt best. */
export const VOICES = ['rms', 'slt', 'kal16', 'awb'] as const;

const EN = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

export const QUESTIONS_EN: Record<'nps' | 'csat' | 'yes_no' | 'open' | 'complaint', string> = {
  nps: 'How likely are you to recommend us to a friend, from zero to ten?',
  csat: 'How satisfied were you with our service today, from one to five?',
  yes_no: 'Did you find everything you were looking for?',
  open: 'What could we do better?',
  complaint: 'What went wrong today?',
};

const staff = (text: string, gapMs = 600): Turn => ({ speaker: 'staff', text, gapMs });
const customer = (text: string, gapMs = 700): Turn => ({ speaker: 'customer', text, gapMs });
const other = (text: string, gapMs = 700): Turn => ({ speaker: 'other', text, gapMs });

interface Script {
  hazards: string[];
  form: AnswerForm;
  kind: keyof typeof QUESTIONS_EN;
  turns: Turn[];
  /** Index of the turn the press follows, and how long after its end. */
  pressAfter: number;
  pressDelayMs: number;
  expected: number | null;
}

/** A conversation shape: given a value on the scale (and the generator), the script. */
type Template = (v: number, random: () => number) => Script;

const nps = (
  hazards: string[],
  turns: Turn[],
  expected: number | null,
  pressAfter = turns.length - 1,
  pressDelayMs = 600,
): Script => ({
  hazards,
  form: 'nps',
  kind: 'nps',
  turns,
  pressAfter,
  pressDelayMs,
  expected,
});
const Q = (kind: keyof typeof QUESTIONS_EN) => staff(QUESTIONS_EN[kind]);

const NPS_TEMPLATES: Template[] = [
  (v) => nps(['plain'], [Q('nps'), customer(`I would say ${EN[v]}.`)], v),
  (v) => nps(['carrier "out of ten"'], [Q('nps'), customer(`${EN[v]} out of ten.`)], v),
  (v) =>
    nps(
      ['price before the question'],
      [
        staff('That will be three hundred and forty rubles.'),
        customer('Here you go.'),
        Q('nps'),
        customer(`I'd give you a ${EN[v]}.`),
      ],
      v,
    ),
  (v) =>
    nps(
      ['order number after the press'],
      [Q('nps'), customer(`Um, ${EN[v]}.`), staff('Thank you. Your order number is forty two.', 1500)],
      v,
      1,
    ),
  (v) =>
    nps(
      ['change after the press'],
      [Q('nps'), customer(`A ${EN[v]}, I think.`), staff('Your change is seven dollars and fifty cents.', 1500)],
      v,
      1,
    ),
  (v) =>
    nps(
      ['counted things'],
      [
        customer('Two lattes and three croissants, please.'),
        staff('Sure, anything else?'),
        customer('No, thanks.'),
        Q('nps'),
        customer(`Oh, ${EN[v]}.`),
      ],
      v,
    ),
  (v) => nps(['hesitation'], [Q('nps'), customer(`Well, um, let me think. ${EN[v]}.`)], v),
  (v) => nps(['range'], [Q('nps'), customer(`${EN[Math.min(v, 9)]} or ${EN[Math.min(v, 9) + 1]}.`)], null),
  () => nps(['refusal'], [Q('nps'), customer("I'd rather not say.")], null),
  () => nps(['refusal, "I don\'t know"'], [Q('nps'), customer("I don't know, really.")], null),
  () => nps(['negation'], [Q('nps'), customer('Not a ten, that is for sure.')], null),
  (v) => nps(['answer just after the press'], [Q('nps'), customer(`${EN[v]} out of ten.`, 1200)], v, 0, 300),
  (v) =>
    nps(
      ['neighbouring conversation before'],
      [
        Q('nps'),
        other('Ten out of ten.'),
        staff('Thank you, goodbye.'),
        Q('nps'),
        customer(`I would say ${EN[v]}.`, 900),
      ],
      v,
    ),
  (v) =>
    nps(
      ['neighbouring conversation after the press'],
      [Q('nps'), customer(`${EN[v]}.`), staff('Hello, what can I get you?', 3000), other('Three muffins, please.')],
      v,
      1,
    ),
  (v) =>
    nps(['question scale repeated by the customer'], [Q('nps'), customer(`From zero to ten? I'd say ${EN[v]}.`)], v),
];

const CSAT_TEMPLATES: Template[] = [
  (v) => ({ ...nps(['plain'], [Q('csat'), customer(`${EN[v]}.`)], v), form: 'csat', kind: 'csat' }),
  (v) => ({
    ...nps(['carrier "out of five"'], [Q('csat'), customer(`${EN[v]} out of five.`)], v),
    form: 'csat',
    kind: 'csat',
  }),
  (v) => ({
    ...nps(['range'], [Q('csat'), customer(`${EN[Math.min(v, 4)]} or ${EN[Math.min(v, 4) + 1]}.`)], null),
    form: 'csat',
    kind: 'csat',
  }),
];

const YES_NO: Script[] = [
  { ...nps(['plain yes'], [Q('yes_no'), customer('Yes, everything, thanks.')], 1), form: 'yes_no', kind: 'yes_no' },
  { ...nps(['plain no'], [Q('yes_no'), customer('No, not really.')], 0), form: 'yes_no', kind: 'yes_no' },
  {
    ...nps(['yes after a price'], [staff('That is five dollars.'), Q('yes_no'), customer('Yes, I did.')], 1),
    form: 'yes_no',
    kind: 'yes_no',
  },
  { ...nps(['refusal'], [Q('yes_no'), customer("I'm not sure.")], null), form: 'yes_no', kind: 'yes_no' },
];

const TEXT: Script[] = [
  {
    ...nps(['open, numbers in it'], [Q('open'), customer('The queue took ten minutes, make it faster.')], null),
    form: 'text',
    kind: 'open',
  },
  { ...nps(['open'], [Q('open'), customer('More fresh bread in the morning.')], null), form: 'text', kind: 'open' },
  {
    ...nps(['complaint, a price'], [Q('complaint'), customer('I paid four dollars for a cold coffee.')], null),
    form: 'text',
    kind: 'complaint',
  },
  {
    ...nps(['complaint'], [Q('complaint'), customer('Nobody was at the counter.')], null),
    form: 'text',
    kind: 'complaint',
  },
];

/**
 * The English corpus: every NPS template with four values, the CSAT templates with three, and
 * the yes/no and text cases; voices and pauses drawn from `seed`, so a seed gives one corpus.
 */
export function englishCases(seed = 12): CorpusCase[] {
  const random = seededRandom(seed);
  const scripts: Script[] = [];
  for (const template of NPS_TEMPLATES) {
    for (let i = 0; i < 4; i++) scripts.push(template(Math.floor(random() * 11), random));
  }
  for (const template of CSAT_TEMPLATES) {
    for (let i = 0; i < 3; i++) scripts.push(template(1 + Math.floor(random() * 5), random));
  }
  scripts.push(...YES_NO, ...TEXT);
  return scripts.map((s, i) => {
    const staffVoice = pick(random, VOICES);
    const customerVoice = pick(
      random,
      VOICES.filter((v) => v !== staffVoice),
    );
    const voices: Record<Speaker, string> = {
      staff: staffVoice,
      customer: customerVoice,
      other: pick(
        random,
        VOICES.filter((v) => v !== customerVoice),
      ),
    };
    return {
      id: `en-${String(i + 1).padStart(3, '0')}`,
      language: 'en' as const,
      form: s.form,
      question: QUESTIONS_EN[s.kind],
      turns: s.turns.map((t) => ({ ...t, gapMs: t.gapMs + Math.round(random() * 300) })),
      pressAfter: s.pressAfter,
      pressDelayMs: s.pressDelayMs + Math.round(random() * 400),
      expected: s.expected,
      hazards: s.hazards,
      voices,
    };
  });
}
