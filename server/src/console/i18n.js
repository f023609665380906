// The console's language: one dictionary per language (i18n/en.js, i18n/ru.js), the choice kept
// in localStorage, the browser's language the first time.
import en from './i18n/en.js';
import ru from './i18n/ru.js';

const DICTIONARIES = { en, ru };
export const LANGUAGES = Object.keys(DICTIONARIES);
const STORAGE_KEY = 'earshot.language';

let language = initialLanguage();
const listeners = new Set();

function initialLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && saved in DICTIONARIES) return saved;
  return navigator.language?.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function currentLanguage() {
  return language;
}

export function setLanguage(next) {
  if (!(next in DICTIONARIES) || next === language) return;
  language = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  for (const listener of listeners) listener(next);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
}

/** The text for `key` in the current language, `{name}` replaced from `params`; the key itself when missing. */
export function t(key, params = {}) {
  const text = DICTIONARIES[language][key] ?? DICTIONARIES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** A question's text in the current language, English when there is no translation. */
export function questionText(question) {
  if (!question) return '—';
  return (language === 'ru' && question.text.ru) || question.text.en;
}

/** A checklist item's text in the current language, English when there is no translation. */
export function itemText(item) {
  return (language === 'ru' && item.text.ru) || item.text.en;
}

export function formatDateTime(iso, timeZone) {
  const options = { dateStyle: 'medium', timeStyle: 'short' };
  try {
    return new Intl.DateTimeFormat(language, { ...options, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(language, options).format(new Date(iso));
  }
}

export function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Bytes as whole megabytes, with the unit in the current language; — when unknown. */
export function formatMegabytes(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  return `${Math.round(bytes / 1048576)} ${t('unit.megabytes')}`;
}

/** A level in decibels relative to full scale, with the unit in the current language. */
export function formatDbfs(level) {
  return `${level.toFixed(1)} ${t('unit.dbfs')}`;
}

document.documentElement.lang = language;
