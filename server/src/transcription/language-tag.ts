/**
 * A BCP 47 tag's primary language subtag, lower case: "ru-RU" → "ru". Whisper wants ISO 639-1,
 * engines are routed by it, and the answer reader's cue phrases are kept per primary language.
 */
export function primaryLanguage(tag: string): string {
  return tag.split('-')[0]?.toLowerCase() ?? tag;
}
