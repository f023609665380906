/** The languages the on-screen buttons speak (`http.language`). */
export const PAGE_LANGUAGES = ['en', 'ru'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

/** Every word staff read on the touchscreen, per language: the page is the only UI they see. */
export interface PageText {
  /** A press refused for want of audio (503): what happened and what to do, no jargon. */
  noAudio: string;
  /** Shown for as long as the box hears nothing, before anyone presses. */
  micProblem: string;
  hint: (holdSeconds: number) => string;
  recorded: string;
  notRecorded: string;
  /** A press on a button the server mapped to no question (409): nothing was filed. */
  unmapped: string;
  cancelled: string;
  nothingToCancel: string;
  unreachable: string;
  /** The label of a button the server gave no question (only when none is labelled). */
  button: (n: number) => string;
}

export const PAGE_TEXT: Record<PageLanguage, PageText> = {
  en: {
    noAudio:
      'Not recorded: the microphone is not working. Check that it is plugged in, then switch the box off and on. If it still fails, call your technician.',
    micProblem:
      'The microphone is not working: presses are not recorded. Check that it is plugged in, then switch the box off and on. If it still fails, call your technician.',
    hint: (s) => `Tap to mark a conversation. Hold ${s} s to cancel the last one.`,
    recorded: 'Recorded',
    notRecorded: 'Not recorded: see the device',
    unmapped: 'Not recorded: this button has no question. Use one of the buttons on this screen.',
    cancelled: 'Last clip cancelled',
    nothingToCancel: 'Nothing to cancel',
    unreachable: 'Device not reachable',
    button: (n) => `Button ${n}`,
  },
  ru: {
    noAudio:
      'Не записано: микрофон не работает. Проверьте, что он подключён, затем выключите и включите устройство. Если не помогло, позвоните технику.',
    micProblem:
      'Микрофон не работает: нажатия не записываются. Проверьте, что он подключён, затем выключите и включите устройство. Если не помогло, позвоните технику.',
    hint: (s) => `Нажмите, чтобы отметить разговор. Удерживайте ${s} с, чтобы отменить последнее нажатие.`,
    recorded: 'Записано',
    notRecorded: 'Не записано: см. устройство',
    unmapped: 'Не записано: у этой кнопки нет вопроса. Нажмите одну из кнопок на экране.',
    cancelled: 'Последняя запись отменена',
    nothingToCancel: 'Нечего отменять',
    unreachable: 'Устройство не отвечает',
    button: (n) => `Кнопка ${n}`,
  },
};
